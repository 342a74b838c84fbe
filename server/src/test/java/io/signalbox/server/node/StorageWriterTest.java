package io.signalbox.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.signalbox.common.Zxid;
import io.signalbox.consensus.Effect;
import io.signalbox.consensus.RecoveredState;
import io.signalbox.consensus.Snapshot;
import io.signalbox.consensus.Txn;
import io.signalbox.node.NodeEffect;
import io.signalbox.server.NodeConfig;
import io.signalbox.storage.NodeStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage thread on a real RocksDB in a temporary directory: writes become durable in the
 * order handed over, each batch is reported with its highest write id, and what was reported
 * is what a restart reads back.
 */
class StorageWriterTest {
    private record Report(long writeId, List<Long> snapshotZxids) {}

    @TempDir
    Path directory;

    private final LinkedBlockingQueue<Report> reports = new LinkedBlockingQueue<>();

    private static NodeEffect append(long writeId, long... counters) {
        List<Txn> txns = new ArrayList<>();
        for (long counter : counters) {
            txns.add(new Txn(Zxid.of(1, counter), ("txn " + counter).getBytes()));
        }
        return new NodeEffect.Durable(new Effect.AppendTxns(writeId, txns));
    }

    /** Reports until one covers {@code writeId}; at most 10 s (the writer thread, not a sleep). */
    private List<Report> reportsThrough(long writeId) throws InterruptedException {
        List<Report> seen = new ArrayList<>();
        while (seen.isEmpty() || seen.get(seen.size() - 1).writeId() < writeId) {
            Report report = reports.poll(10, TimeUnit.SECONDS);
            assertTrue(report != null, "no report covering write " + writeId + " within 10 s; seen " + seen);
            seen.add(report);
        }
        return seen;
    }

    @Test
    void writesAreDurableInOrderAndWhatWasReportedIsWhatARestartReads() throws Exception {
        NodeConfig config = NodeConfig.local(1, NodeConfig.localMembers(3, 47_000), directory);
        try (NodeStorage storage = NodeStorage.open(directory)) {
            StorageWriter writer = new StorageWriter(config, storage, new NodeMetrics(1),
                    (writeId, snapshots) -> reports.add(new Report(writeId, snapshots)), () -> { }, false);
            writer.submit(new NodeEffect.Durable(new Effect.PersistEpochs(1, 1, 0)));
            writer.submit(append(2, 1, 2));
            writer.submit(append(3, 3));
            writer.submit(new NodeEffect.Durable(new Effect.TruncateLog(4, Zxid.of(1, 2))));
            writer.submit(append(5, 4));
            writer.submit(new NodeEffect.Durable(new Effect.PersistEpochs(6, 1, 1)));
            List<Report> seen = reportsThrough(6);
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i).writeId() > seen.get(i - 1).writeId(), "reports in order: " + seen);
            }

            // A node's snapshot records the configuration in force (here one changed at 1:1); storage keeps bytes only.
            byte[] nodeSnapshot = io.signalbox.state.codec.EntryCodec.encodeNodeSnapshot("state at 1:2".getBytes(), List.of(),
                    new io.signalbox.state.codec.MembershipCodec.ConfigurationRecord(Zxid.of(1, 1), List.of(1, 2, 3, 4), List.of(),
                            List.of()));
            writer.submit(new NodeEffect.TakeSnapshot(new Snapshot(Zxid.of(1, 2), nodeSnapshot)));
            writer.submit(append(7, 5));
            List<Report> afterSnapshot = reportsThrough(7);
            assertTrue(afterSnapshot.stream().anyMatch(r -> r.snapshotZxids().contains(Zxid.of(1, 2))), afterSnapshot.toString());
            writer.close();
        }
        try (NodeStorage reopened = NodeStorage.open(directory)) {
            RecoveredState recovered = StorageWriter.recover(NodeConfig.local(1, NodeConfig.localMembers(3, 47_000), directory), reopened);
            assertEquals(1, recovered.acceptedEpoch());
            assertEquals(1, recovered.currentEpoch());
            assertEquals(Zxid.of(1, 2), recovered.snapshot().zxid());
            assertEquals(List.of(1, 2, 3, 4), recovered.snapshot().membership().voters(), "the recorded configuration, not the bootstrap");
            assertEquals(Zxid.of(1, 1), recovered.snapshot().membership().zxid());
            assertEquals(List.of(Zxid.of(1, 4), Zxid.of(1, 5)), recovered.entries().stream().map(Txn::zxid).toList(),
                    "1:3 was truncated; 1:1 and 1:2 are in the snapshot");
        }
    }

    @Test
    void afterAFailedWriteItReportsNothingMoreAndTellsItsOwnerOnce() throws Exception {
        NodeConfig config = NodeConfig.local(1, NodeConfig.localMembers(3, 47_000), directory);
        CountDownLatch failures = new CountDownLatch(1);
        try (NodeStorage storage = NodeStorage.open(directory)) {
            StorageWriter writer = new StorageWriter(config, storage, new NodeMetrics(1),
                    (writeId, snapshots) -> reports.add(new Report(writeId, snapshots)), failures::countDown, false);
            writer.submit(append(1, 5));
            assertEquals(1, reportsThrough(1).get(0).writeId());
            writer.submit(append(2, 4)); // out of order: the log refuses it, as it would a disk error
            assertTrue(failures.await(10, TimeUnit.SECONDS), "the owner is told of the failure");
            writer.submit(append(3, 6));
            writer.close();
            assertEquals(List.of(), new ArrayList<>(reports), "nothing reported after the failure");
            assertEquals(Zxid.of(1, 5), storage.txnLog().lastZxid(), "nothing written after the failure");
        }
    }

    @Test
    void theFsyncCountersStillCountAfterACollection() throws Exception {
        NodeConfig config = NodeConfig.local(1, NodeConfig.localMembers(3, 47_000), directory);
        NodeMetrics metrics = new NodeMetrics(1);
        try (NodeStorage storage = NodeStorage.open(directory)) {
            StorageWriter writer = new StorageWriter(config, storage, metrics,
                    (writeId, snapshots) -> reports.add(new Report(writeId, snapshots)), () -> { }, false);
            writer.submit(append(1, 1, 2, 3));
            reportsThrough(1);
            writer.close();
            // The registry holds a function counter's source weakly; before the fix a collection made these read 0.
            System.gc();
            String scraped = metrics.scrape();
            assertTrue(scraped.contains("signalbox_fsync_rounds_total{node=\"1\"} 1.0"), scraped);
            assertTrue(scraped.contains("signalbox_fsync_entries_total{node=\"1\"} 3.0"), scraped);
        }
    }
}
