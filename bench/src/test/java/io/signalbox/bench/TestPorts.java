package io.signalbox.bench;

import io.signalbox.testkit.FreePorts;
import java.util.ArrayList;
import java.util.List;

/** Free base ports for the clusters a test starts at once: distinct, since each pick alone only sees what is bound now. */
final class TestPorts {
    private static final int ATTEMPTS_MAX = 50;

    private TestPorts() {}

    /** {@code count} distinct bases, each with base+i, base+100+i and base+200+i free for i in 1..portsPerRange. */
    static List<Integer> distinctBases(int count, int portsPerRange) {
        List<Integer> bases = new ArrayList<>();
        for (int attempt = 0; attempt < ATTEMPTS_MAX && bases.size() < count; attempt++) {
            int base = FreePorts.clusterBase(portsPerRange);
            if (!bases.contains(base)) {
                bases.add(base);
            }
        }
        if (bases.size() < count) {
            throw new IllegalStateException("only " + bases.size() + " distinct free port ranges of " + count + " after " + ATTEMPTS_MAX + " picks");
        }
        return bases;
    }
}
