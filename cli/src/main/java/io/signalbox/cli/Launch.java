package io.signalbox.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How to start another JVM with this JVM's java and this jar (or classpath). */
final class Launch {
    /** The heap of a server started for development, tests and the election benchmark. */
    static final String DEFAULT_HEAP = "512m";

    private Launch() {}

    /** {@code java -Xmx<heap> -cp <this classpath>}: a main class and its arguments follow. */
    static List<String> java(String heap) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    /** {@code java ... io.signalbox.cli.SignalboxCommand args...} with the given heap. */
    static List<String> signalbox(String heap, String... args) {
        List<String> command = java(heap);
        command.add(SignalboxCommand.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    static List<String> javaCommand(String... args) {
        return signalbox(DEFAULT_HEAP, args);
    }
}
