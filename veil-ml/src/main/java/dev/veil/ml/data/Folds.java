package dev.veil.ml.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * A deterministic split of {@code n} rows into {@code k} folds, for k-fold cross validation.
 *
 * <p>Rows are shuffled by a Fisher-Yates shuffle driven by SplitMix64 seeded with {@code seed} (specified
 * here, so the split is the same on every JVM), then dealt to folds in turn. In a stratified split each
 * class (each distinct label value) is shuffled and dealt separately, the dealing continuing where the
 * previous class stopped, so that every fold has each class in proportion (within one row) and fold sizes
 * differ by at most one.
 */
public final class Folds {
    private final int k;
    private final int[] foldOf;

    private Folds(int k, int[] foldOf) {
        this.k = k;
        this.foldOf = foldOf;
    }

    /** Plain (unstratified) k-fold split of rows {@code 0..n-1}. */
    public static Folds kFold(int n, int k, long seed) {
        check(n, k);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle(order, new SplitMix64(seed));
        int[] foldOf = new int[n];
        for (int p = 0; p < n; p++) {
            foldOf[order[p]] = p % k;
        }
        return new Folds(k, foldOf);
    }

    /** Stratified k-fold split: rows with equal labels are spread evenly over the folds. */
    public static Folds stratified(double[] labels, int k, long seed) {
        int n = labels.length;
        check(n, k);
        TreeMap<Double, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            byClass.computeIfAbsent(labels[i], c -> new ArrayList<>()).add(i);
        }
        SplitMix64 rng = new SplitMix64(seed);
        int[] foldOf = new int[n];
        int next = 0;
        for (List<Integer> members : byClass.values()) {
            int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
            shuffle(idx, rng);
            for (int i : idx) {
                foldOf[i] = next;
                next = (next + 1) % k;
            }
        }
        return new Folds(k, foldOf);
    }

    /**
     * Stratified by label for a classification table ({@link Table#isCategorical()} or
     * {@link Table#isBinary()}), plain k-fold otherwise.
     */
    public static Folds of(Table table, int k, long seed) {
        return table.isCategorical() || table.isBinary() ? stratified(table.labels(), k, seed)
                : kFold(table.rows(), k, seed);
    }

    private static void check(int n, int k) {
        if (k < 2) {
            throw new IllegalArgumentException("need at least 2 folds, got " + k);
        }
        if (k > n) {
            throw new IllegalArgumentException("cannot split " + n + " rows into " + k + " folds");
        }
    }

    private static void shuffle(int[] a, SplitMix64 rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Number of folds. */
    public int k() {
        return k;
    }

    /** Number of rows split. */
    public int size() {
        return foldOf.length;
    }

    /** The fold (0..k-1) of row {@code row}. */
    public int foldOf(int row) {
        return foldOf[row];
    }

    /** Held-out rows of fold {@code fold}, ascending. */
    public int[] test(int fold) {
        return rows(fold, true);
    }

    /** Training rows of fold {@code fold} (all rows not in it), ascending. */
    public int[] train(int fold) {
        return rows(fold, false);
    }

    private int[] rows(int fold, boolean in) {
        if (fold < 0 || fold >= k) {
            throw new IndexOutOfBoundsException("fold " + fold + " of " + k);
        }
        return java.util.stream.IntStream.range(0, foldOf.length).filter(i -> (foldOf[i] == fold) == in).toArray();
    }

    @Override
    public String toString() {
        int[] sizes = new int[k];
        for (int f : foldOf) {
            sizes[f]++;
        }
        return "Folds[k=" + k + ", sizes=" + Arrays.toString(sizes) + "]";
    }

    /** SplitMix64 (Steele, Lea, Flood 2014): a fixed, documented generator. */
    static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            this.state = seed;
        }

        long nextLong() {
            long z = (state += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** Uniform in [0, bound) by rejection (no modulo bias). */
        int nextInt(int bound) {
            long threshold = Long.remainderUnsigned(-(long) bound, bound); // 2^64 mod bound
            while (true) {
                long r = nextLong();
                if (Long.compareUnsigned(r, threshold) >= 0) {
                    return (int) Long.remainderUnsigned(r, bound);
                }
            }
        }
    }
}
