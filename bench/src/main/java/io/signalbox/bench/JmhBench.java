package io.signalbox.bench;

import java.util.List;

/** {@code bench jmh}: the JMH micro-benchmarks in {@code io.signalbox.bench.jmh}; JMH parses the arguments (a regex, -h, ...). */
public final class JmhBench {
    private JmhBench() {}

    public static void run(List<String> jmhArguments) throws Exception {
        org.openjdk.jmh.Main.main(jmhArguments.toArray(String[]::new));
    }
}
