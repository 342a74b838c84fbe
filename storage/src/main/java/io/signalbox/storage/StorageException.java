package io.signalbox.storage;

/** Storage failed or found data it cannot trust; the message names the zxid or file involved. */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
