package io.signalbox.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The contract every {@link EpochStore} must meet. */
public abstract class EpochStoreContract {
    protected abstract EpochStore openFresh();

    /** Kills the process and opens the store again. */
    protected abstract EpochStore crashAndReopen(EpochStore store);

    @Test
    void aFreshStoreHoldsEpochZero() {
        assertEquals(Epochs.ZERO, openFresh().load());
    }

    @Test
    void storedEpochsAreDurableOnReturn() {
        EpochStore store = openFresh();
        store.store(new Epochs(3, 2));
        assertEquals(new Epochs(3, 2), store.load());
        store.store(new Epochs(3, 3));
        assertEquals(new Epochs(3, 3), crashAndReopen(store).load());
    }

    @Test
    void epochsOutOfOrderAreRefusedWithBothValues() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new Epochs(2, 5));
        assertEquals("epochs must satisfy 0 <= currentEpoch <= acceptedEpoch, got accepted=2 current=5", error.getMessage());
    }
}
