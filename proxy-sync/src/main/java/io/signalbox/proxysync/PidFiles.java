package io.signalbox.proxysync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A proxy's master process, found through its pid file, for adoption after an agent restart. */
public final class PidFiles {
    private PidFiles() {}

    /**
     * The live process named by {@code pidFile} when its command is {@code binaryName}; empty when
     * the file is missing or unreadable, the process is gone, or the pid was reused by another program.
     */
    public static Optional<ProcessHandle> running(Path pidFile, String binaryName) {
        try {
            if (pidFile == null || !Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith(binaryName)).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
