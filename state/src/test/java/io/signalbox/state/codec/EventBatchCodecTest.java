package io.signalbox.state.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.signalbox.proto.state.Event;
import io.signalbox.proto.state.EventBatch;
import io.signalbox.state.Balance;
import io.signalbox.state.Grant;
import io.signalbox.state.HealthCheck;
import io.signalbox.state.IpAddress;
import io.signalbox.state.Mode;
import io.signalbox.state.Role;
import io.signalbox.state.Server;
import io.signalbox.state.ServerKey;
import io.signalbox.state.ServerState;
import io.signalbox.state.Service;
import io.signalbox.state.StateEvent;
import io.signalbox.state.codec.EntryCodec.StampedEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The hand-written entry writer writes the generated code's bytes; the reader gives what the
 * generated parser gives, for every entry this codebase writes, and for damaged or foreign
 * bytes it either agrees or hands them back.
 */
class EventBatchCodecTest {
    private static final String[] TEXTS = {"", "web", "web-3", "zone", "é", "名前", "\uD83D\uDE80 rocket", "a\u0000b"};

    @Test
    void everyKindOfEventIsWrittenAsTheGeneratedCodeWritesIt() {
        Random random = new Random(5);
        for (int round = 0; round < 2_000; round++) {
            List<StateEvent> events = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                events.add(randomEvent(random));
            }
            EventBatch.Builder generated = EventBatch.newBuilder();
            events.forEach(event -> generated.addEvents(StateCodec.toProto(event)));
            assertArrayEquals(generated.build().toByteArray(), StateCodec.encodeEvents(events), "round " + round + ": " + events);
        }
        assertArrayEquals(new byte[0], StateCodec.encodeEvents(List.of()));
    }

    @Test
    void everyKindOfEventReadsAsTheGeneratedParserReadsIt() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            byte[] payload = randomEntry(random);
            assertEquals(generated(payload), EventBatchReader.read(payload), "round " + round);
        }
    }

    @Test
    void damagedBytesAreReadAsTheGeneratedParserReadsThemOrHandedBack() throws Exception {
        Random random = new Random(11);
        int read = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] payload = randomEntry(random);
            int flips = 1 + random.nextInt(3);
            for (int i = 0; i < flips && payload.length > 0; i++) {
                payload[random.nextInt(payload.length)] ^= (byte) (1 << random.nextInt(8));
            }
            StampedEvents fast;
            try {
                fast = EventBatchReader.read(payload);
            } catch (EventBatchReader.NotCanonical handedBack) {
                continue;
            }
            read++;
            assertEquals(generated(payload), fast, "round " + round);
        }
        assertTrue(read > 1_000, "only " + read + " damaged entries were read by the reader itself");
    }

    @Test
    void unknownFieldsAndFieldsOfAnotherWireTypeAreSkippedAsTheGeneratedParserSkipsThem() throws Exception {
        byte[] known = StateCodec.encodeEvents(List.of(new StateEvent.ServerWeightSet(new ServerKey("web", "web-1"), 7)));
        // an unknown field 15 (varint), a second event (a weight set with only a name), the batch's field 3 as a fixed32
        byte[] extra = {(byte) 0x78, 5, 0x0a, 0x06, 0x22, 0x04, 0x12, 0x02, 'x', 'y', 0x1d, 1, 2, 3, 4};
        byte[] payload = concat(known, extra);
        StampedEvents fast = EventBatchReader.read(payload);
        assertEquals(generated(payload), fast);
        assertEquals(2, fast.events().size());
    }

    @Test
    void whatTheReaderDoesNotHandleIsHandedBackAndDecodedByTheGeneratedParser() throws Exception {
        Service service = new Service("web", Mode.HTTP, 8080, Balance.ROUNDROBIN, new HealthCheck("/ping", 2000, 2, 3), 1, 2, 3, 4);
        byte[] body = StateCodec.toProto(new StateEvent.ServicePut(service)).toByteArray();
        // one event whose body comes twice: the generated parser merges the two services
        byte[] doubled = concat(new byte[] {0x0a, (byte) (body.length * 2)}, concat(body, body));
        assertThrows(EventBatchReader.NotCanonical.class, () -> EventBatchReader.read(doubled));
        assertEquals(generated(doubled), EntryCodec.decodeEntry(1, doubled));

        // an event with no body and a cut one: the generated parser names what is wrong
        byte[] noBody = {0x0a, 0x00};
        assertThrows(EventBatchReader.NotCanonical.class, () -> EventBatchReader.read(noBody));
        StateCodec.MalformedStateException error = assertThrows(StateCodec.MalformedStateException.class,
                () -> EntryCodec.decodeEntry(0x1_0000_0002L, noBody));
        assertTrue(error.getMessage().contains("no body"), error.getMessage());
        byte[] truncated = java.util.Arrays.copyOf(body, body.length - 3);
        byte[] badLength = concat(new byte[] {0x0a, (byte) body.length}, truncated);
        error = assertThrows(StateCodec.MalformedStateException.class, () -> EntryCodec.decodeEntry(0x1_0000_0003L, badLength));
        assertTrue(error.getMessage().contains("does not decode"), error.getMessage());
    }

    private static StampedEvents generated(byte[] payload) throws InvalidProtocolBufferException {
        EventBatch batch = EventBatch.parseFrom(payload);
        return new StampedEvents(StateCodec.decodeEvents(batch), batch.getClientId(), batch.getClientSequence(), batch.getIdentity());
    }

    private static byte[] randomEntry(Random random) {
        List<StateEvent> events = new ArrayList<>();
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
            events.add(randomEvent(random));
        }
        byte[] batch = StateCodec.encodeEvents(events);
        return random.nextBoolean() ? batch : EntryCodec.stamp(batch, text(random), random.nextLong(), text(random));
    }

    private static StateEvent randomEvent(Random random) {
        ServerKey key = new ServerKey(text(random), text(random));
        switch (random.nextInt(10)) {
            case 0:
                return new StateEvent.ServicePut(new Service(text(random), random.nextBoolean() ? Mode.HTTP : Mode.TCP,
                        random.nextInt(65536), Balance.values()[random.nextInt(Balance.values().length)],
                        random.nextBoolean() ? null : new HealthCheck(text(random), random.nextInt(), random.nextInt(10), random.nextInt(10)),
                        random.nextInt(), random.nextInt(), random.nextInt(), random.nextLong()));
            case 1:
                return new StateEvent.ServiceRemoved(text(random), random.nextBoolean());
            case 2: {
                TreeMap<String, String> labels = new TreeMap<>();
                for (int l = random.nextInt(4); l > 0; l--) {
                    labels.put(text(random) + l, text(random));
                }
                byte[] address = new byte[random.nextBoolean() ? 4 : 16];
                random.nextBytes(address);
                return new StateEvent.ServerRegistered(new Server(key.service(), key.name(), IpAddress.fromBytes(address),
                        random.nextInt(65536), random.nextInt(257), ServerState.values()[random.nextInt(3)], random.nextBoolean(),
                        labels, random.nextBoolean() ? 0 : random.nextLong(), random.nextLong()));
            }
            case 3:
                return new StateEvent.ServerWeightSet(key, random.nextInt());
            case 4:
                return new StateEvent.ServerStateSet(key, ServerState.values()[random.nextInt(3)]);
            case 5:
                return new StateEvent.ServerDeregistered(key);
            case 6:
                return new StateEvent.SessionOpened(random.nextLong(), random.nextInt());
            case 7:
                return new StateEvent.SessionEnded(random.nextLong(), random.nextBoolean());
            case 8:
                return new StateEvent.RoleGranted(text(random), randomGrant(random));
            default:
                return new StateEvent.RoleRevoked(text(random), randomGrant(random));
        }
    }

    private static Grant randomGrant(Random random) {
        Role role = Role.values()[random.nextInt(Role.values().length)];
        return role == Role.OPERATE && random.nextBoolean() ? new Grant(role, "web") : Grant.of(role);
    }

    private static String text(Random random) {
        return TEXTS[random.nextInt(TEXTS.length)];
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
