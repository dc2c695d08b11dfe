package dev.jobwire.worker.backpressure;

/**
 * Pause at {@code high}, resume at or below {@code low}. The gap keeps a partition from flapping
 * between paused and resumed on every record.
 */
public record Watermarks(int high, int low) {
    public Watermarks {
        if (low < 0 || high <= low) {
            throw new IllegalArgumentException("watermarks need 0 <= low < high, got low=" + low + " high=" + high);
        }
    }

    /** Low at half of high: a common default that halves the pause/resume rate. */
    public static Watermarks withHigh(int high) {
        return new Watermarks(high, high / 2);
    }
}
