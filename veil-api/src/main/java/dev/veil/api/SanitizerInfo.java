package dev.veil.api;

/**
 * How returned results were sanitised (the output sanitiser's flooding policy), in the metadata of
 * predictions.
 *
 * @param securityBits the statistical security of the flooding
 * @param noiseBoundBits log2 of the bound on the noise before flooding
 * @param resultBudget the results the budget allows (the D of the flooding)
 * @param expectedPrecisionBits the bits of precision left in each result
 */
public record SanitizerInfo(int securityBits, double noiseBoundBits, long resultBudget,
    double expectedPrecisionBits) {}
