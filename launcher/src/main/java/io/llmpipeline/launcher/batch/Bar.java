package io.llmpipeline.launcher.batch;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr when a person watches (a terminal); nothing when a script does. */
final class Bar implements AutoCloseable {
    private final ProgressBar bar;
    private String phase = "";

    Bar() {
        this.bar = null;
    }

    private Bar(ProgressBar bar) {
        this.bar = bar;
    }

    static Bar forTerminal(String task) {
        if (System.console() == null) {
            return new Bar();
        }
        return new Bar(new ProgressBarBuilder().setTaskName(task).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).continuousUpdate().setConsumer(
                        new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build());
    }

    void update(String phase, long done, long total) {
        if (bar == null) {
            return;
        }
        if (!phase.equals(this.phase)) {
            this.phase = phase;
            bar.setExtraMessage(phase);
        }
        if (total > 0) {
            bar.maxHint(total);
        }
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
