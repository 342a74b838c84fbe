package io.signalbox.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.NodeView;
import io.signalbox.consensus.Role;
import io.signalbox.consensus.Txn;
import org.junit.jupiter.api.Test;

/** The checks themselves can fail: each invariant, fed a history that breaks it, says so. */
class SafetyCheckerTest {
    private final SafetyChecker checker = new SafetyChecker(3);

    private static Txn txn(long epoch, long counter, int value) {
        return new Txn(Zxid.of(epoch, counter), java.nio.ByteBuffer.allocate(12).putLong(counter).putInt(value).array());
    }

    private static NodeView leader(long delivered) {
        return new NodeView(1, Role.LEADING, 1, true, 1, 1, delivered, delivered, delivered, 0, 1);
    }

    private void propose(Txn txn) {
        checker.onProposed(1, txn.zxid(), txn.payload(), Zxid.of(Zxid.epoch(txn.zxid()), 0));
    }

    /** Invariant 10: a commit held durably by a minority of the voters its leader counted with. */
    @Test
    void aCommitWithoutAMajorityOfTheCountedVotersHoldingItIsCaught() {
        java.util.Set<Integer> holding = new java.util.HashSet<>(java.util.List.of(1, 2));
        io.signalbox.consensus.Membership five = new io.signalbox.consensus.Membership(Zxid.of(1, 1), java.util.List.of(1, 2, 3, 4, 5), java.util.List.of());
        SafetyChecker witnessed = new SafetyChecker(5).withCommitWitnesses(new SafetyChecker.CommitWitnesses() {
            @Override
            public io.signalbox.consensus.Membership countedWith(int node) {
                return five;
            }

            @Override
            public boolean holdsDurably(int node, long zxid) {
                return holding.contains(node);
            }
        });
        Txn txn = txn(1, 1, 10);
        witnessed.onProposed(1, txn.zxid(), txn.payload(), Zxid.of(1, 0));
        Violation violation = assertThrows(Violation.class, () -> witnessed.onDelivered(1, txn, 7));
        assertEquals("commit-quorum", violation.invariant());
        assertEquals("node 1 committed 1:1 counting Membership[voters=[1, 2, 3, 4, 5], since 1:1] while only [1, 2] hold it durably",
                violation.getMessage());
        holding.add(4); // 3 of 5: a quorum of the new configuration, as a correct leader counts
        witnessed.onDelivered(1, txn, 7);
    }

    @Test
    void twoTxnsUnderOneZxidBreakIntegrity() {
        propose(txn(1, 1, 10));
        Violation violation = assertThrows(Violation.class, () -> propose(txn(1, 1, 99)));
        assertEquals("integrity", violation.invariant());
    }

    @Test
    void deliveringDifferentTxnsAtOnePositionBreaksAgreement() {
        Txn a = txn(1, 1, 10);
        Txn b = txn(2, 1, 20);
        propose(a);
        propose(b);
        checker.onDelivered(1, a, 111);
        Violation violation = assertThrows(Violation.class, () -> checker.onDelivered(2, b, 222));
        assertEquals("agreement", violation.invariant());
    }

    @Test
    void theSameTxnWithAnotherStateBreaksTheDigestCheck() {
        Txn a = txn(1, 1, 10);
        propose(a);
        checker.onDelivered(1, a, 111);
        Violation violation = assertThrows(Violation.class, () -> checker.onDelivered(2, a, 112));
        assertEquals("state-digest", violation.invariant());
    }

    @Test
    void aGapInsideAnEpochBreaksLocalPrimaryOrder() {
        Txn first = txn(1, 1, 10);
        Txn third = txn(1, 3, 30);
        propose(first);
        propose(third);
        checker.onDelivered(1, first, 1);
        Violation violation = assertThrows(Violation.class, () -> checker.onDelivered(1, third, 3));
        assertEquals("local-primary-order", violation.invariant());
    }

    @Test
    void twoLeadersOfOneEpochAreCaught() {
        checker.onEstablished(1, 4, leader(0), zxid -> true);
        Violation violation = assertThrows(Violation.class, () -> checker.onEstablished(2, 4, leader(0), zxid -> true));
        assertEquals("one-leader-per-epoch", violation.invariant());
    }

    @Test
    void aLeaderMissingAnAcknowledgedWriteIsCaught() {
        Txn a = txn(1, 1, 10);
        propose(a);
        checker.onDelivered(1, a, 1);
        checker.onAcknowledged(a.zxid());
        Violation violation = assertThrows(Violation.class, () -> checker.onEstablished(2, 2, leader(0), zxid -> false));
        assertEquals("committed-is-forever", violation.invariant());
    }

    @Test
    void proposingBeforeDeliveringEarlierCommitsBreaksPrimaryIntegrity() {
        Txn a = txn(1, 1, 10);
        propose(a);
        checker.onDelivered(2, a, 1);
        Txn b = txn(2, 1, 20);
        Violation violation = assertThrows(Violation.class, () -> checker.onProposed(1, b.zxid(), b.payload(), Zxid.ZERO));
        assertEquals("primary-integrity", violation.invariant());
    }
}
