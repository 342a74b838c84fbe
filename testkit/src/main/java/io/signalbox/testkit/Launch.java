package io.signalbox.testkit;

import io.signalbox.server.ServerMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How to start another JVM with this JVM's java and classpath (a test's, a benchmark's, or the signalbox jar). */
public final class Launch {
    /** The heap of a server started for development, tests and the election benchmark. */
    public static final String DEFAULT_HEAP = "512m";

    private Launch() {}

    /** {@code java -Xmx<heap> -cp <this classpath>}: a main class and its arguments follow. */
    public static List<String> java(String heap) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    /** A server process: {@code java <jvmFlags> ... ServerMain --config <config> <serverArgs>}. */
    public static List<String> server(String heap, List<String> jvmFlags, Path config, List<String> serverArgs) {
        List<String> command = java(heap);
        command.addAll(1, jvmFlags);
        command.add(ServerMain.class.getName());
        command.add("--config");
        command.add(config.toString());
        command.addAll(serverArgs);
        return command;
    }
}
