package io.signalbox.storage;

/**
 * Where acceptedEpoch and currentEpoch live. {@link #store} writes both atomically and is
 * durable on return (a synced write, or temp file + fsync + rename + directory fsync);
 * a crash at any moment leaves either the old pair or the new one. Idempotent.
 */
public interface EpochStore {
    /** The last stored pair, or {@link Epochs#ZERO} on a fresh store. */
    Epochs load();

    void store(Epochs epochs);
}
