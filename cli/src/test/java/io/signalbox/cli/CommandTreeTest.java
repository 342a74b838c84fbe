package io.signalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command of {@code signalbox}, found by walking the command tree, explains itself:
 * {@code --help} exits 0 and prints its usage, it has a description, every option and
 * parameter has one, and {@code --version} names the build.
 */
class CommandTreeTest {
    private static void walk(CommandLine command, List<String> path, List<List<String>> all) {
        all.add(path);
        for (var sub : command.getSubcommands().entrySet()) {
            if (sub.getKey().equals(sub.getValue().getCommandName())) { // an alias is the same command again
                List<String> next = new ArrayList<>(path);
                next.add(sub.getKey());
                walk(sub.getValue(), next, all);
            }
        }
    }

    private static List<List<String>> everyCommand() {
        List<List<String>> all = new ArrayList<>();
        walk(SignalboxCommand.newCommandLine(), List.of(), all);
        return all;
    }

    private static CommandSpec spec(List<String> path) {
        CommandLine command = SignalboxCommand.newCommandLine();
        for (String name : path) {
            command = command.getSubcommands().get(name);
        }
        return command.getCommandSpec();
    }

    @Test
    void theTreeHasEveryCommandAndEveryCtlVerb() {
        List<String> names = everyCommand().stream().map(p -> String.join(" ", p)).toList();
        for (String expected : List.of("ctl service put", "ctl server drain", "ctl server ls", "ctl config", "ctl history", "ctl watch",
                "ctl status", "ctl member ls", "ctl member add", "ctl member rm", "bench haproxy", "bench nginx", "bench jmh",
                "simulate", "generate-completion", "help")) {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
        assertTrue(names.size() > 40, names.toString());
    }

    @Test
    void everyCommandsHelpWorksAndDescribesEveryOption() {
        List<String> wrong = new ArrayList<>();
        for (List<String> path : everyCommand()) {
            String name = ("signalbox " + String.join(" ", path)).trim();
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun run = new CliRun();
            int exit = run.run(args.toArray(String[]::new));
            String help = run.out.toString();
            if (exit != 0 || !help.contains("Usage: " + name)) {
                wrong.add(name + " --help: exit " + exit + "\n" + help + run.err);
            }
            CommandSpec spec = spec(path);
            if (String.join("", spec.usageMessage().description()).isBlank()) {
                wrong.add(name + ": no description");
            }
            List<ArgSpec> arguments = new ArrayList<>(spec.options());
            arguments.addAll(spec.positionalParameters());
            for (ArgSpec argument : arguments) {
                if (!argument.hidden() && String.join("", argument.renderedDescription()).isBlank()) {
                    wrong.add(name + ": " + argument + " has no description");
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyVersionOptionNamesTheBuild() {
        int checked = 0;
        for (List<String> path : everyCommand()) {
            if (spec(path).optionsMap().containsKey("--version")) {
                List<String> args = new ArrayList<>(path);
                args.add("--version");
                CliRun run = new CliRun();
                assertEquals(0, run.run(args.toArray(String[]::new)), path + "\n" + run.err);
                assertTrue(run.out.toString().matches("signalbox \\d+\\.\\d+\\.\\d+\\S*\ncommit ([0-9a-f]{40}|unknown).*\n"),
                        path + ": " + run.out);
                checked++;
            }
        }
        assertTrue(checked > 40, checked + " commands with --version");
    }

    @Test
    void jmhTakesItsOwnHelpAndPassesEverythingElseToJmh() {
        BenchCommand.Jmh jmh = new BenchCommand.Jmh();
        new CommandLine(jmh).parseArgs("Codec", "--", "-h", "-f", "1");
        assertEquals(List.of("Codec", "-h", "-f", "1"), jmh.args);
    }
}
