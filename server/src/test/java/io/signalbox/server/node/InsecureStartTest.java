package io.signalbox.server.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.signalbox.server.NodeConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** insecure=true lets a node start without TLS, and it says so at every start (a real node on 127.0.0.1). */
class InsecureStartTest {
    @TempDir
    Path directory;

    @Test
    void anInsecureNodeWarnsAtEveryStart() {
        Map<String, String> values = new TreeMap<>();
        for (NodeConfig.Member m : NodeConfig.localMembers(3, 46_600)) {
            values.put("member." + m.id(), m.host() + ":" + m.peerPort() + ":" + m.clientPort() + ":" + m.adminPort());
        }
        values.put("id", "3");
        values.put("dataDir", directory.toString());
        values.put("insecure", "true");
        NodeConfig config = NodeConfig.fromMap(values);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger(SignalboxNode.class);
        logger.addAppender(log);
        try {
            for (int start = 1; start <= 2; start++) {
                SignalboxNode.start(config).close();
            }
        } finally {
            logger.detachAppender(log);
        }
        List<String> warnings = log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(line -> line.contains("insecure=true"))
                .toList();
        assertEquals(2, warnings.size(), "one warning per start: " + warnings);
        assertTrue(warnings.get(0).contains("node 3: insecure=true: no TLS on any port"), warnings.get(0));
    }
}
