package io.signalbox.storage;

/** Epochs in memory; {@link #store} is durable on return, so a crash loses nothing here. */
public final class InMemoryEpochStore implements EpochStore {
    private Epochs epochs = Epochs.ZERO;

    @Override
    public Epochs load() {
        return epochs;
    }

    @Override
    public void store(Epochs newEpochs) {
        epochs = newEpochs;
    }
}
