package io.signalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout the README's table describes, checked on the sources: Maven refuses cycles
 * between modules, but not a class that imports a package its module does not declare (it
 * compiles through a transitive dependency), nor wire types leaking out of protocol/. So:
 * every import of an io.signalbox package must belong to the file's own module or to one it
 * depends on (main sources: compile dependencies; tests: test ones too), the declared graph
 * must run one way down {@link #ORDER}, and the few rules the module-layout issue named hold.
 */
class ModuleLayoutTest {
    /** Top to bottom: a module may depend only on modules after it. */
    static final List<String> ORDER = List.of("dist", "cli", "ctl", "bench", "chaos", "register", "proxy-sync", "testkit", "client", "server",
            "simulation", "node", "protocol", "state", "storage", "consensus", "tls", "common", "proto");

    /** Which module owns a package; the longest matching prefix wins. */
    static final Map<String, String> PACKAGES = new LinkedHashMap<>();

    static {
        PACKAGES.put("io.signalbox.proto.", "proto");
        PACKAGES.put("io.signalbox.common.", "common");
        PACKAGES.put("io.signalbox.tls.", "tls");
        PACKAGES.put("io.signalbox.consensus.", "consensus");
        PACKAGES.put("io.signalbox.storage.", "storage");
        PACKAGES.put("io.signalbox.state.", "state");
        PACKAGES.put("io.signalbox.protocol.", "protocol");
        PACKAGES.put("io.signalbox.node.", "node");
        PACKAGES.put("io.signalbox.simulation.", "simulation");
        PACKAGES.put("io.signalbox.server.", "server");
        PACKAGES.put("io.signalbox.client.", "client");
        PACKAGES.put("io.signalbox.testkit.", "testkit");
        PACKAGES.put("io.signalbox.proxysync.", "proxy-sync");
        PACKAGES.put("io.signalbox.register.", "register");
        PACKAGES.put("io.signalbox.chaos.", "chaos");
        PACKAGES.put("io.signalbox.bench.", "bench");
        PACKAGES.put("io.signalbox.ctl.", "ctl");
        PACKAGES.put("io.signalbox.cli.", "cli");
    }

    /** Split, so that this file does not name the package it looks for. */
    private static final String GENERATED_CLIENT_PROTOCOL = "io.signalbox.proto" + ".client";
    private static final Pattern DEPENDENCY = Pattern.compile(
            "<dependency>\\s*<groupId>io\\.signalbox</groupId>\\s*<artifactId>signalbox-([\\w-]+)</artifactId>(\\s*<scope>(\\w+)</scope>)?");
    private static final Pattern IMPORT = Pattern.compile("^import (static )?(io\\.signalbox\\.[\\w.]+);", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(io\\.signalbox\\.[a-z][\\w]*(?:\\.[a-z][\\w]*)*\\.[A-Z]\\w*)");

    private final Path root = Path.of("").toAbsolutePath().getParent();

    private Map<String, Set<String>> dependencies(boolean withTests) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String module : ORDER) {
            Set<String> direct = new TreeSet<>();
            Matcher m = DEPENDENCY.matcher(Files.readString(root.resolve(module).resolve("pom.xml")));
            while (m.find()) {
                if (withTests || !"test".equals(m.group(3))) {
                    direct.add(m.group(1));
                }
            }
            graph.put(module, direct);
        }
        return graph;
    }

    private static Set<String> reachable(Map<String, Set<String>> graph, String from) {
        Set<String> seen = new TreeSet<>();
        List<String> work = new ArrayList<>(List.of(from));
        while (!work.isEmpty()) {
            for (String next : graph.getOrDefault(work.remove(work.size() - 1), Set.of())) {
                if (seen.add(next)) {
                    work.add(next);
                }
            }
        }
        seen.add(from);
        return seen;
    }

    @Test
    void everyDeclaredDependencyPointsDownTheOrder() throws IOException {
        assertEquals(new TreeSet<>(ORDER), modulesInTheRootPom());
        for (Map.Entry<String, Set<String>> module : dependencies(true).entrySet()) {
            for (String dependency : module.getValue()) {
                assertTrue(ORDER.indexOf(dependency) > ORDER.indexOf(module.getKey()),
                        module.getKey() + " depends on " + dependency + ", which is above it in " + ORDER);
            }
        }
        assertTrue(!dependencies(true).get("server").contains("client"), "server must not depend on client");
    }

    @Test
    void everyImportBelongsToTheModuleOrOneItDependsOn() throws IOException {
        Map<String, Set<String>> main = dependencies(false);
        Map<String, Set<String>> tests = dependencies(true);
        List<String> wrong = new ArrayList<>();
        for (String module : ORDER) {
            check(module, "src/main/java", reachable(main, module), wrong);
            check(module, "src/test/java", reachable(tests, module), wrong);
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void generatedClientProtocolTypesStayInProtocolAndCliStaysSmall() throws IOException {
        List<String> leaks = new ArrayList<>();
        long cliMainLines = 0;
        for (String module : ORDER) {
            for (Path file : javaFiles(module, "src/main/java", "src/test/java")) {
                String text = Files.readString(file);
                if (!module.equals("protocol") && text.contains(GENERATED_CLIENT_PROTOCOL)) {
                    leaks.add(root.relativize(file).toString());
                }
                if (module.equals("cli") && file.toString().contains("src/main/java")) {
                    cliMainLines += text.lines().count();
                }
            }
        }
        assertEquals(List.of(), leaks, "generated client-protocol types (" + GENERATED_CLIENT_PROTOCOL + ") outside protocol/");
        assertTrue(cliMainLines < 1_500, "cli/src/main has " + cliMainLines + " lines: commands only, the work lives in the modules");
    }

    private void check(String module, String sources, Set<String> allowed, List<String> wrong) throws IOException {
        for (Path file : javaFiles(module, sources)) {
            String text = Files.readString(file);
            Set<String> referenced = new TreeSet<>();
            Matcher imports = IMPORT.matcher(text);
            while (imports.find()) {
                referenced.add(imports.group(2));
            }
            Matcher qualified = QUALIFIED.matcher(text);
            while (qualified.find()) {
                referenced.add(qualified.group(1));
            }
            for (String name : referenced) {
                String owner = owner(name);
                if (owner != null && !allowed.contains(owner)) {
                    wrong.add(root.relativize(file) + " (" + module + ") uses " + name + " of " + owner);
                }
            }
        }
    }

    private static String owner(String name) {
        String best = null;
        int length = 0;
        for (Map.Entry<String, String> p : PACKAGES.entrySet()) {
            if ((name + ".").startsWith(p.getKey()) && p.getKey().length() > length) {
                best = p.getValue();
                length = p.getKey().length();
            }
        }
        return best;
    }

    private List<Path> javaFiles(String module, String... sources) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String source : sources) {
            Path dir = root.resolve(module).resolve(source);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
                }
            }
        }
        return files;
    }

    private Set<String> modulesInTheRootPom() throws IOException {
        Set<String> modules = new TreeSet<>();
        Matcher m = Pattern.compile("<module>([\\w-]+)</module>").matcher(Files.readString(root.resolve("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1));
        }
        return modules;
    }
}
