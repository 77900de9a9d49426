/**
 * Drift gauges on the app's Prometheus registry. The per-feature gauges describe one window
 * (FRAUDLENS_DRIFT_METRICS_WINDOW) and are computed when Prometheus scrapes, not on a timer: no
 * work while nobody looks, and at most one report per FRAUDLENS_DRIFT_METRICS_MAX_AGE_MS however
 * many servers scrape (DriftMonitor.metricsReport shares one computation between the gauges of a
 * scrape). The window store's counters are read at scrape time as well.
 */
import { Counter, Gauge } from 'prom-client';
/**
 * Registers the drift metrics of `monitor` on `registry`.
 * @param registry the app's registry (context.metrics.registry)
 * @param monitor the app's drift monitor
 */
export function registerDriftMetrics(registry, monitor) {
    const registers = [registry];
    const windowName = monitor.settings.metricsWindowName;
    new Gauge({
        name: 'fraudlens_drift_baseline_loaded',
        help: 'Whether drift monitoring has a baseline that fits the served model (1) or answers DRIFT_NO_BASELINE (0).',
        registers,
        collect() {
            this.set(monitor.ready ? 1 : 0);
        },
    });
    new Gauge({
        name: 'fraudlens_drift_window_rows',
        help: 'Predictions in the drift window the fraudlens_drift_* gauges describe.',
        labelNames: ['window'],
        registers,
        async collect() {
            const r = await monitor.metricsReport();
            this.reset();
            if (r !== null)
                this.labels(windowName).set(r.rows);
        },
    });
    new Gauge({
        name: 'fraudlens_drift_statistic',
        help: 'Drift statistic of each feature against the baseline (a p-value or a distance, see test); absent while there is not enough data.',
        labelNames: ['feature', 'test'],
        registers,
        async collect() {
            const r = await monitor.metricsReport();
            this.reset();
            for (const f of r?.features ?? [])
                if (f.statistic !== null)
                    this.labels(f.feature, f.test).set(f.statistic);
        },
    });
    new Gauge({
        name: 'fraudlens_drift_p_value',
        help: 'p-value of each feature whose drift test is a p-value test (ks, chisquare).',
        labelNames: ['feature', 'test'],
        registers,
        async collect() {
            const r = await monitor.metricsReport();
            this.reset();
            for (const f of r?.features ?? [])
                if (f.p_value !== null)
                    this.labels(f.feature, f.test).set(f.p_value);
        },
    });
    new Gauge({
        name: 'fraudlens_feature_drifted',
        help: 'Whether each feature drifted (1) or not (0) in the drift window.',
        labelNames: ['feature'],
        registers,
        async collect() {
            const r = await monitor.metricsReport();
            this.reset();
            for (const f of r?.features ?? [])
                this.labels(f.feature).set(f.drifted ? 1 : 0);
        },
    });
    new Gauge({
        name: 'fraudlens_dataset_drift',
        help: 'Whether at least FRAUDLENS_DRIFT_SHARE of the features drifted (1) or not (0).',
        registers,
        async collect() {
            const r = await monitor.metricsReport();
            this.reset();
            if (r !== null)
                this.set(r.dataset_drift.drifted ? 1 : 0);
        },
    });
    new Gauge({
        name: 'fraudlens_drift_share_drifted',
        help: 'Share of the judged features that drifted.',
        registers,
        async collect() {
            const r = await monitor.metricsReport();
            this.reset();
            if (r !== null)
                this.set(r.dataset_drift.share_drifted);
        },
    });
    new Gauge({
        name: 'fraudlens_prediction_drift_statistic',
        help: 'Drift statistic of the model score distribution against the baseline.',
        labelNames: ['test'],
        registers,
        async collect() {
            const r = await monitor.metricsReport();
            this.reset();
            if (r !== null && r.prediction_drift.statistic !== null)
                this.labels(r.prediction_drift.test).set(r.prediction_drift.statistic);
        },
    });
    new Gauge({
        name: 'fraudlens_prediction_drifted',
        help: 'Whether the model score distribution drifted (1) or not (0).',
        registers,
        async collect() {
            const r = await monitor.metricsReport();
            this.reset();
            if (r !== null)
                this.set(r.prediction_drift.drifted ? 1 : 0);
        },
    });
    // The window store's own state, read at scrape time (no report needed).
    new Gauge({
        name: 'fraudlens_drift_window_connected',
        help: 'Whether the drift window store accepts writes (1) or not (0: Redis away, rows wait in the process; or no baseline).',
        labelNames: ['backend'],
        registers,
        collect() {
            const s = monitor.stats();
            this.reset();
            this.labels(s.backend).set(s.connected ? 1 : 0);
        },
    });
    new Gauge({
        name: 'fraudlens_drift_window_pending',
        help: 'Scored rows counted in this process and not yet confirmed by the drift window backend.',
        labelNames: ['backend'],
        registers,
        collect() {
            const s = monitor.stats();
            this.reset();
            this.labels(s.backend).set(s.pending);
        },
    });
    const follow = (name, help, read) => {
        let seen = 0;
        new Counter({
            name,
            help,
            labelNames: ['backend'],
            registers,
            collect() {
                // The monitor keeps running totals (across baseline changes); the counter follows them.
                const now = read();
                this.labels(monitor.settings.backend).inc(Math.max(0, now - seen));
                seen = Math.max(seen, now);
            },
        });
    };
    follow('fraudlens_drift_window_updates_total', 'Scored rows handed to the drift window.', () => monitor.stats().updates);
    follow('fraudlens_drift_window_written_total', 'Scored rows whose counts the drift window backend holds.', () => monitor.stats().written);
    follow('fraudlens_drift_window_dropped_total', 'Scored rows the drift window never counted (invalid, too old, lost while writing stopped, or at shutdown).', () => monitor.stats().dropped);
}
//# sourceMappingURL=metrics.js.map