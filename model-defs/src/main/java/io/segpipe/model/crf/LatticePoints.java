package io.segpipe.model.crf;

import java.util.Arrays;

/**
 * The lattice points a {@link PermutohedralLattice} has touched, numbered 0, 1, 2, ... in the order
 * they were first inserted: an open-addressing hash table (linear probing, power-of-two capacity,
 * at most half full) from a point's {@code d} integer coordinates to its number. The coordinates
 * live in one flat {@code int[]} indexed by point number, so neither keys nor numbers are boxed:
 * a 360x480 image splats to several hundred thousand points, and a {@code HashMap} of boxed keys
 * would spend more time allocating than filtering.
 *
 * <p>Only the first {@code d} of a point's {@code d + 1} coordinates are stored: points of the
 * lattice lie on the plane where the coordinates sum to zero, which fixes the last one.
 *
 * <p>Not thread-safe; a lattice fills it while it is built and only reads it afterwards.
 */
final class LatticePoints {
    private static final int EMPTY = -1;

    private final int d;
    private int[] coordinates;
    private int[] slots;
    private int size;

    /** @param expected points expected, to size the table (it grows past that) */
    LatticePoints(int d, int expected) {
        this.d = d;
        int capacity = Integer.highestOneBit(Math.max(16, 2 * expected - 1)) << 1;
        slots = new int[capacity];
        Arrays.fill(slots, EMPTY);
        coordinates = new int[Math.max(16, expected) * d];
    }

    /** Points inserted so far. */
    int size() {
        return size;
    }

    /** Coordinate {@code axis} (< d) of point {@code point}. */
    int coordinate(int point, int axis) {
        return coordinates[point * d + axis];
    }

    /** The number of the point with these coordinates (the first {@code d} of {@code key}), -1 if absent. */
    int find(int[] key) {
        int mask = slots.length - 1;
        for (int slot = hash(key, 0) & mask; ; slot = (slot + 1) & mask) {
            int point = slots[slot];
            if (point == EMPTY || sameKey(point, key)) {
                return point;
            }
        }
    }

    /** The number of the point with these coordinates, inserted with the next number if absent. */
    int findOrInsert(int[] key) {
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        int slot = hash(key, 0) & mask;
        for (; slots[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (sameKey(slots[slot], key)) {
                return slots[slot];
            }
        }
        if ((size + 1) * d > coordinates.length) {
            coordinates = Arrays.copyOf(coordinates, Math.max(coordinates.length * 2, (size + 1) * d));
        }
        System.arraycopy(key, 0, coordinates, size * d, d);
        slots[slot] = size;
        return size++;
    }

    private boolean sameKey(int point, int[] key) {
        int base = point * d;
        for (int axis = 0; axis < d; axis++) {
            if (coordinates[base + axis] != key[axis]) {
                return false;
            }
        }
        return true;
    }

    /** Hash of the {@code d} coordinates at {@code source[offset..]}. */
    private int hash(int[] source, int offset) {
        int h = 0;
        for (int axis = 0; axis < d; axis++) {
            h = (h + source[offset + axis]) * 0x9E3779B1;
        }
        // the multiplications leave the low bits (which pick the slot) weakest: fold the high ones in
        return h ^ (h >>> 15);
    }

    private void grow() {
        int[] bigger = new int[slots.length * 2];
        Arrays.fill(bigger, EMPTY);
        int mask = bigger.length - 1;
        for (int point = 0; point < size; point++) {
            int slot = hash(coordinates, point * d) & mask;
            while (bigger[slot] != EMPTY) {
                slot = (slot + 1) & mask;
            }
            bigger[slot] = point;
        }
        slots = bigger;
    }
}
