#!/usr/bin/env python3
# torch_mlp.py: the nnlab-bench workloads (W1, W2, W3) with PyTorch, for comparison; optional, never used by the build or tests.
"""Same MLP, loss, optimizer and batch as nnlab-bench, trained with PyTorch on random data.

Needs Debian's python3-torch (apt-get install python3-torch). Prints one line per run in nnlab-bench's
format, without the bound (compare with nnlab-bench's line for the same workload):

    python3 bench/torch_mlp.py --threads 1 --widths 784,1024,1024,10 --batch 256 --seconds 3
    python3 bench/torch_mlp.py --suite
"""
import argparse
import os
import resource
import sys
import time


def run(widths, batch, threads, seconds):
    # Thread counts are fixed before torch starts its pools: OpenMP and OpenBLAS read these at load time.
    # The products (OpenBLAS) get the threads; torch's own intra-op pool stays at one, else each of its
    # threads would call a multi-threaded OpenBLAS and the comparison would run an oversubscribed PyTorch.
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(1)
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i + 2 < len(widths):
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.randn(batch, widths[0])
    y = torch.arange(batch) % widths[-1]

    def step():
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 0.1 * seconds:
        step()
    steps = 0
    t0 = time.perf_counter()
    while True:
        step()
        steps += 1
        t = time.perf_counter() - t0
        if t >= seconds:
            break
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return batch * steps / t, rss


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--widths", default="784,1024,1024,10")
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--suite", action="store_true", help="W1, W2, W3 at 1 and 2 threads, each in its own process")
    a = ap.parse_args()
    if a.suite:
        import subprocess

        print("| workload | batch | threads | samples/s | peak RSS |\n|---|---|---|---|---|")
        for name, widths, batch in (("W1", "2,16,16,2", 32), ("W2", "64,256,256,10", 64),
                                    ("W3", "784,1024,1024,10", 256)):
            for th in (1, 2):
                out = subprocess.run([sys.executable, __file__, "--threads", str(th), "--widths", widths, "--batch",
                                      str(batch), "--seconds", str(a.seconds)], capture_output=True, text=True,
                                     check=True).stdout
                f = dict(kv.split("=") for kv in out.split())
                print(f"| {name} {widths.replace(',', '-')} | {batch} | {th} | {float(f['samples_per_s']):.0f} | "
                      f"{int(f['peak_rss_kb']) / 1024:.1f} MB |")
        return
    sps, rss = run([int(w) for w in a.widths.split(",")], a.batch, a.threads, a.seconds)
    print(f"samples_per_s={sps:.0f} peak_rss_kb={rss}")


if __name__ == "__main__":
    main()
