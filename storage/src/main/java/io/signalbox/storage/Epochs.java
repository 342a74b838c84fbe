package io.signalbox.storage;

/** ZAB's two epochs: the promise (acceptedEpoch) and the adopted history's epoch (currentEpoch). */
public record Epochs(long acceptedEpoch, long currentEpoch) {
    public static final Epochs ZERO = new Epochs(0, 0);

    public Epochs {
        if (currentEpoch < 0 || acceptedEpoch < currentEpoch) {
            throw new IllegalArgumentException("epochs must satisfy 0 <= currentEpoch <= acceptedEpoch, got accepted="
                    + acceptedEpoch + " current=" + currentEpoch);
        }
    }
}
