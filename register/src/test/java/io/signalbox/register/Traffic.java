package io.signalbox.register;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real HTTP requests through a proxy: one at a time, a spread over many, and a steady stream
 * on its own threads (owned by the stream, stopped by {@link Stream#close()}) that counts
 * every request that did not get a backend's 200.
 */
final class Traffic {
    private Traffic() {}

    /** The body of GET / (the backend's name), or "status N" / "failed: ..." when no backend answered 200. */
    static String get(String host, int port) {
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL("http://" + host + ":" + port + "/").openConnection();
            connection.setRequestProperty("Connection", "close");
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(5_000);
            int status = connection.getResponseCode();
            InputStream in = status == 200 ? connection.getInputStream() : connection.getErrorStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (in != null) {
                in.close();
            }
            return status == 200 ? body : "status " + status;
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    static Map<String, Integer> spread(String host, int port, int count) {
        Map<String, Integer> answers = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            answers.merge(get(host, port), 1, Integer::sum);
        }
        return answers;
    }

    /** Requests back to back from {@code threads} threads until closed. */
    static final class Stream implements AutoCloseable {
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicLong sent = new AtomicLong();
        private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile boolean stopped;

        Stream(String host, int port, int threadCount) {
            for (int i = 0; i < threadCount; i++) {
                Thread thread = new Thread(() -> {
                    while (!stopped) {
                        String answer = get(host, port);
                        sent.incrementAndGet();
                        if (answer.startsWith("status ") || answer.startsWith("failed")) {
                            failures.add(System.currentTimeMillis() + " " + answer);
                        }
                    }
                }, "traffic-" + host + ":" + port + "-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        long sent() {
            return sent.get();
        }

        List<String> failures() {
            synchronized (failures) {
                return List.copyOf(failures);
            }
        }

        /** Stops sending and waits (10 s at most per thread) for the requests under way. */
        void stop() {
            stopped = true;
            for (Thread thread : threads) {
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        @Override
        public void close() {
            stop();
        }
    }
}
