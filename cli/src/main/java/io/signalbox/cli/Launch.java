package io.signalbox.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How to start another signalbox process with this JVM and this jar (or classpath). */
final class Launch {
    private Launch() {}

    static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SignalboxCommand.class.getName());
        command.addAll(List.of(args));
        return command;
    }
}
