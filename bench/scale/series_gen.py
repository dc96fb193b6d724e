"""The generated data set of the alertd cost curve: one target's exposition (10,000 series) and 1,000 rules.

Every target serves the same 10 services x 20 workers x 50 series with twikit-exporter's metric names and
label shapes (docs/DESIGN's table); the scraper's `instance` label (host:port) tells targets apart, as it
does for real exporters. The values move with a variant number (counters grow by it, gauges wander inside
healthy bounds), so a scraper that gets a new variant each interval stores changing samples and the shipped
rules find nothing to fire on.
"""
import random

SERVICES = ["session_manager", "proxy_rotation", "rate_limit", "anti_detection", "account_health",
            "emergency_stop", "content_safety", "connection_pool", "retry_engine", "campaign_orchestrator"]
WORKERS = [f"w{i:02d}" for i in range(20)]

# (metric name, type, extra label sets, value kind); 50 series per service and worker in all.
_DEPS = [{"dependency": d} for d in ("postgres", "redis", "kafka")]
_PROXIES = [{"proxy": "p1", "region": "eu-west"}, {"proxy": "p2", "region": "us-east"}]
FAMILIES = [
    ("twikit_up", "gauge", [{}], ("const", 1)),
    ("twikit_scrape_duration_seconds", "gauge", [{}], ("gauge", 0.01, 0.2)),
    ("twikit_last_success_timestamp_seconds", "gauge", [{}], ("clock", 0)),
    ("twikit_service_healthy", "gauge", [{}], ("const", 1)),
    ("twikit_service_info", "gauge", [{"version": "1.4.2"}], ("const", 1)),
    ("twikit_service_uptime_seconds", "gauge", [{}], ("clock", 8000)),
    ("twikit_requests_total", "counter", [{}], ("counter", 120000, 300)),
    ("twikit_errors_total", "counter", [{}], ("counter", 200, 1)),
    ("twikit_response_time_seconds", "gauge", [{}], ("gauge", 0.02, 0.09)),
    ("twikit_dependency_up", "gauge", _DEPS, ("const", 1)),
    ("twikit_dependency_latency_seconds", "gauge", _DEPS, ("gauge", 0.001, 0.01)),
    ("twikit_sessions", "gauge", [{}], ("int", 900, 1100)),
    ("twikit_sessions_active", "gauge", [{}], ("int", 500, 800)),
    ("twikit_sessions_healthy", "gauge", [{}], ("int", 480, 780)),
    ("twikit_session_success_ratio", "gauge", [{}], ("gauge", 0.95, 0.99)),
    ("twikit_proxies", "gauge", [{}], ("int", 190, 210)),
    ("twikit_proxies_healthy", "gauge", [{}], ("int", 170, 190)),
    ("twikit_proxy_health_score_average", "gauge", [{}], ("gauge", 80, 95)),
    ("twikit_proxy_response_time_seconds_average", "gauge", [{}], ("gauge", 0.1, 0.3)),
    ("twikit_proxy_health_score", "gauge", _PROXIES, ("gauge", 75, 99)),
    ("twikit_proxy_failures_total", "counter", _PROXIES, ("counter", 40, 1)),
    ("twikit_rate_limit_requests_total", "counter", [{}], ("counter", 50000, 200)),
    ("twikit_rate_limit_allowed_requests_total", "counter", [{}], ("counter", 49000, 195)),
    ("twikit_rate_limit_blocked_requests_total", "counter", [{}], ("counter", 1000, 5)),
    ("twikit_rate_limit_utilization_ratio", "gauge", [{}], ("gauge", 0.3, 0.7)),
    ("twikit_anti_detection_score", "gauge", [{}], ("gauge", 70, 95)),
    ("twikit_anti_detection_risk_level", "gauge", [{"level": "low"}], ("const", 1)),
    ("twikit_anti_detection_risk_level", "gauge", [{"level": lv} for lv in ("medium", "high", "critical")],
     ("const", 0)),
    ("twikit_accounts", "gauge", [{}], ("int", 1000, 1000)),
    ("twikit_accounts_healthy", "gauge", [{}], ("int", 950, 990)),
    ("twikit_accounts_suspended", "gauge", [{}], ("int", 0, 20)),
    ("twikit_emergency_stop_active", "gauge", [{}], ("const", 0)),
    ("twikit_content_checked_total", "counter", [{}], ("counter", 80000, 100)),
    ("twikit_content_blocked_total", "counter", [{}], ("counter", 300, 1)),
    ("twikit_connection_pool_size", "gauge", [{}], ("int", 50, 50)),
    ("twikit_connection_pool_utilization_ratio", "gauge", [{}], ("gauge", 0.2, 0.8)),
    ("twikit_connection_pool_waiting", "gauge", [{}], ("const", 0)),
    ("twikit_retry_attempts_total", "counter", [{}], ("counter", 3000, 10)),
    ("twikit_retry_exhausted_total", "counter", [{}], ("counter", 10, 0)),
    ("twikit_circuit_breaker_state", "gauge", [{"circuit": "api", "state": "closed"}], ("const", 1)),
    ("twikit_circuit_breaker_state", "gauge", [{"circuit": "api", "state": "open"}], ("const", 0)),
    ("twikit_campaign_success_ratio", "gauge", [{}], ("gauge", 0.9, 0.99)),
]
SERIES_PER_WORKER = sum(len(label_sets) for _, _, label_sets, _ in FAMILIES)
SERIES_PER_TARGET = len(SERVICES) * len(WORKERS) * SERIES_PER_WORKER
assert SERIES_PER_TARGET == 10_000, SERIES_PER_TARGET


def _value(kind, variant, rng, now_s):
    """One sample value of `kind` in `variant` (counters grow by the variant, gauges draw from `rng`)."""
    if kind[0] == "const":
        return str(kind[1])
    if kind[0] == "clock":
        return str(int(now_s) + kind[1])
    if kind[0] == "counter":
        return str(kind[1] + rng.randrange(0, 1000) + variant * kind[2])
    if kind[0] == "int":
        return str(rng.randint(kind[1], kind[2]))
    return f"{rng.uniform(kind[1], kind[2]):.4g}"


def render_target(variant, now_s):
    """One target's exposition (Prometheus text 0.0.4) for `variant`, families kept together, as bytes."""
    rng = random.Random(variant)
    counters = random.Random(0)  # the same per-series base in every variant, so counters only grow
    lines = []
    seen_help = set()
    for name, kind_name, label_sets, kind in FAMILIES:
        if name not in seen_help:
            seen_help.add(name)
            lines.append(f"# HELP {name} {name.replace('_', ' ')}.")
            lines.append(f"# TYPE {name} {kind_name}")
        for service in SERVICES:
            for worker in WORKERS:
                for extra in label_sets:
                    labels = f'service="{service}",worker="{worker}"' + "".join(
                        f',{k}="{v}"' for k, v in extra.items())
                    source = counters if kind[0] == "counter" else rng
                    lines.append(f"{name}{{{labels}}} {_value(kind, variant, source, now_s)}")
    lines.append("")
    return "\n".join(lines).encode()


# Ten rule shapes, each over one service (rule i: service i % 10, shape i // 10 % 10, threshold i // 100),
# thresholds outside the generated values so that nothing fires: the cost is the selection and arithmetic.
_SHAPES = [
    "twikit_up{{service=\"{s}\"}} == 0",
    "rate(twikit_errors_total{{service=\"{s}\"}}[5m]) / rate(twikit_requests_total{{service=\"{s}\"}}[5m]) > 0.{t}5",
    "avg by (service) (twikit_response_time_seconds{{service=\"{s}\"}}) > {t}.5",
    "sum by (service) (rate(twikit_errors_total{{service=\"{s}\"}}[5m])) / "
    "sum by (service) (rate(twikit_requests_total{{service=\"{s}\"}}[5m])) > 0.{t}5",
    "max_over_time(twikit_connection_pool_utilization_ratio{{service=\"{s}\"}}[10m]) > 1.{t}",
    "absent(twikit_up{{service=\"{s}\",worker=\"w0{t}\"}})",
    "twikit_connection_pool_utilization_ratio{{service=\"{s}\"}} > 0.9{t} "
    "and on(service, worker, instance) twikit_up{{service=\"{s}\"}} == 1",
    "predict_linear(twikit_sessions_active{{service=\"{s}\"}}[30m], 3600) < -1{t}00000",
    "increase(twikit_errors_total{{service=\"{s}\"}}[15m]) > 1{t}00",
    "count by (service) (twikit_up{{service=\"{s}\"}} == 0) / count by (service) (twikit_up{{service=\"{s}\"}}) > 0.{t}",
]


def render_rules(interval):
    """The 1,000 generated alerting rules as one Prometheus rule group `bench`, evaluated every `interval`."""
    out = ["groups:", "  - name: bench", f"    interval: {interval}", "    rules:"]
    for i in range(1000):
        expr = _SHAPES[i // 10 % 10].format(s=SERVICES[i % 10], t=i // 100)
        out.append(f"      - alert: BenchRule{i:04d}")
        out.append(f"        expr: '{expr}'")
        out.append("        labels: {severity: info}")
    out.append("")
    return "\n".join(out)
