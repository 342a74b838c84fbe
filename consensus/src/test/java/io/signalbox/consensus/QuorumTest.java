package io.signalbox.consensus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signalbox.common.Zxid;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests for quorum arithmetic (etcd-io/raft quorum/testdata style). */
class QuorumTest {

    @ParameterizedTest(name = "majority of {0} is {1}")
    @CsvSource({"1,1", "2,2", "3,2", "4,3", "5,3", "6,4", "7,4"})
    void majority(int voters, int expected) {
        assertEquals(expected, Quorum.majority(voters));
    }

    /** acks as "epoch:counter" separated by spaces; missing voters count as 0:0. */
    @ParameterizedTest(name = "{0} voters, acks [{1}] commit {2}")
    @CsvSource({
        "3, '',              0:0",
        "3, '1:5',           0:0",
        "3, '1:5 1:3',       1:3",
        "3, '1:5 1:3 1:9',   1:5",
        "3, '2:1 1:9 1:9',   1:9",
        "5, '1:9 1:8',       0:0",
        "5, '1:9 1:8 1:7',   1:7",
        "5, '1:9 1:8 1:7 1:1 1:1', 1:7",
        "5, '3:2 3:2 2:7 3:2 2:7', 3:2",
        "7, '1:7 1:6 1:5 1:4 1:3 1:2 1:1', 1:4",
        "7, '1:7 1:6 1:5',   0:0",
    })
    void commitPoint(int voters, String acks, String expected) {
        List<Long> zxids = new ArrayList<>();
        for (String ack : acks.trim().split("\\s+")) {
            if (!ack.isEmpty()) {
                zxids.add(parse(ack));
            }
        }
        assertEquals(expected, Zxid.format(Quorum.commitPoint(zxids, voters)));
    }

    @ParameterizedTest(name = "accepted epochs [{0}] -> new epoch {1}")
    @CsvSource({"'0 0', 1", "'3 1 2', 4", "'7', 8", "'5 5 5', 6"})
    void newEpochIsOneMoreThanEveryAcceptedEpoch(String accepted, long expected) {
        List<Long> epochs = new ArrayList<>();
        for (String e : accepted.split(" ")) {
            epochs.add(Long.parseLong(e));
        }
        assertEquals(expected, Quorum.newEpoch(epochs));
    }

    /** (epoch, zxid, sid) of A and B, and whether A's vote beats B's. */
    @ParameterizedTest(name = "vote {0} beats {1}: {2}")
    @CsvSource({
        "'2 1:1 1', '1 1:9 3', true",
        "'1 1:9 1', '2 1:1 3', false",
        "'1 1:9 1', '1 1:8 3', true",
        "'1 1:8 3', '1 1:8 2', true",
        "'1 1:8 2', '1 1:8 3', false",
        "'1 1:8 2', '1 1:8 2', false",
    })
    void voteOrder(String a, String b, boolean expected) {
        String[] x = a.split(" ");
        String[] y = b.split(" ");
        assertEquals(expected, Quorum.voteBeats(Long.parseLong(x[0]), parse(x[1]), Integer.parseInt(x[2]),
                Long.parseLong(y[0]), parse(y[1]), Integer.parseInt(y[2])));
    }

    @ParameterizedTest(name = "follower ({0}) more recent than leader ({1}): {2}")
    @CsvSource({"'2 1:3', '1 1:9', true", "'1 1:9', '1 1:8', true", "'1 1:8', '1 1:8', false", "'1 1:9', '2 0:0', false"})
    void historyRecency(String follower, String leader, boolean expected) {
        String[] f = follower.split(" ");
        String[] l = leader.split(" ");
        assertEquals(expected, Quorum.historyMoreRecent(Long.parseLong(f[0]), parse(f[1]), Long.parseLong(l[0]), parse(l[1])));
    }

    @org.junit.jupiter.api.Test
    void moreAcksThanVotersIsAnError() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Quorum.commitPoint(List.of(1L, 2L, 3L, 4L), 3));
        assertEquals("4 acks for 3 voters", error.getMessage());
    }

    private static long parse(String zxid) {
        String[] parts = zxid.split(":");
        return Zxid.of(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    }
}
