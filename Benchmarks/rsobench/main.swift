// The benchmark harness: see scripts/bench.
print("rsobench: under construction")
