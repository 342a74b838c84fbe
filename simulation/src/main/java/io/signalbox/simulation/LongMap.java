package io.signalbox.simulation;

import java.util.Arrays;

/**
 * An open-addressing map from long keys (zxids) to values, for the simulator's hot
 * bookkeeping. {@code HashMap<Long, V>} boxes every key, and a Long's hash (epoch XOR
 * counter) collides across epochs until bins degrade into trees.
 */
final class LongMap<V> {
    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys;
    private Object[] values;
    private int size;

    LongMap() {
        keys = new long[1024];
        values = new Object[1024];
        Arrays.fill(keys, EMPTY);
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int index = find(keys, key);
        return keys[index] == key ? (V) values[index] : null;
    }

    /** Stores the value unless the key is present; returns the value already there, or null. */
    @SuppressWarnings("unchecked")
    V putIfAbsent(long key, V value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("key " + key + " is reserved");
        }
        int index = find(keys, key);
        if (keys[index] == key) {
            return (V) values[index];
        }
        keys[index] = key;
        values[index] = value;
        if (++size * 2 > keys.length) {
            grow();
        }
        return null;
    }

    /** Removes the key; returns its value or null. Re-inserts the rest of its cluster (linear probing). */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        int index = find(keys, key);
        if (keys[index] != key) {
            return null;
        }
        V removed = (V) values[index];
        keys[index] = EMPTY;
        values[index] = null;
        size--;
        int mask = keys.length - 1;
        for (int next = (index + 1) & mask; keys[next] != EMPTY; next = (next + 1) & mask) {
            long movedKey = keys[next];
            Object movedValue = values[next];
            keys[next] = EMPTY;
            values[next] = null;
            int target = find(keys, movedKey);
            keys[target] = movedKey;
            values[target] = movedValue;
        }
        return removed;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int index = find(keys, oldKeys[i]);
                keys[index] = oldKeys[i];
                values[index] = oldValues[i];
            }
        }
    }

    private static int find(long[] keys, long key) {
        int mask = keys.length - 1;
        long h = key * 0x9E3779B97F4A7C15L;
        int index = (int) (h ^ (h >>> 32)) & mask;
        while (keys[index] != EMPTY && keys[index] != key) {
            index = (index + 1) & mask;
        }
        return index;
    }
}
