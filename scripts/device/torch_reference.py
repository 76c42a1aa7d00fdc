#!/usr/bin/env python3
"""The PyTorch anchor for `npm run bench -- backends --reference FILE`.

The same GPT train step as the backends benchmark's gpu-sized config, in eager PyTorch float32
with nanoGPT's layout (model.py: LayerNorm with bias, fused c_attn, GELU MLP, tied lm_head),
nanoGPT's optimizer groups and a fused AdamW, gradient clipping at 1.0, the loss read back every
step (as our loop does). Prints a table and writes JSON with `tokensPerSecond` (the main
variant: scaled_dot_product_attention as nanoGPT uses it, TF32 off so matmuls are true float32),
the other variants, and CUDA kernel launches per step counted by torch.profiler.

Usage: python3 scripts/device/torch_reference.py --vocab 61 --out torch.json [--seconds 5]
       (--device cpu --n-layer 1 --n-embd 32 --block-size 16 --batch-size 2 checks it without a GPU)
"""

import argparse
import json
import math
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F


class LayerNorm(nn.Module):
    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    mask: torch.Tensor  # the causal mask buffer (register_buffer below)

    def __init__(self, cfg, sdpa):
        super().__init__()
        self.c_attn = nn.Linear(cfg.n_embd, 3 * cfg.n_embd, bias=cfg.bias)
        self.c_proj = nn.Linear(cfg.n_embd, cfg.n_embd, bias=cfg.bias)
        self.n_head = cfg.n_head
        self.sdpa = sdpa
        T = cfg.block_size
        self.register_buffer("mask", torch.tril(torch.ones(T, T)).view(1, 1, T, T))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        # (B, T, C) -> (B, nh, T, hs)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        if self.sdpa:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:  # nanoGPT's manual path (no flash attention): what our graph computes
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
            y = F.softmax(att, dim=-1) @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class Block(nn.Module):
    def __init__(self, cfg, sdpa):
        super().__init__()
        self.ln_1 = LayerNorm(cfg.n_embd, cfg.bias)
        self.attn = CausalSelfAttention(cfg, sdpa)
        self.ln_2 = LayerNorm(cfg.n_embd, cfg.bias)
        self.c_fc = nn.Linear(cfg.n_embd, 4 * cfg.n_embd, bias=cfg.bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * cfg.n_embd, cfg.n_embd, bias=cfg.bias)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.c_proj(self.gelu(self.c_fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, cfg, sdpa):
        super().__init__()
        self.wte = nn.Embedding(cfg.vocab, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.block_size, cfg.n_embd)
        self.h = nn.ModuleList([Block(cfg, sdpa) for _ in range(cfg.n_layer)])
        self.ln_f = LayerNorm(cfg.n_embd, cfg.bias)
        self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab, bias=False)
        self.wte.weight = self.lm_head.weight  # weight tying, as nanoGPT
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                std = (
                    0.02 / math.sqrt(2 * cfg.n_layer)
                    if name.endswith("c_proj.weight")
                    else 0.02
                )
                torch.nn.init.normal_(p, mean=0.0, std=std)

    def forward(self, idx, targets):
        _, T = idx.size()
        pos = torch.arange(0, T, dtype=torch.long, device=idx.device)
        x = self.wte(idx) + self.wpe(pos)
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def optimizer(model, device, fused):
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    extra = {"fused": True} if fused and device.type == "cuda" else {}
    return torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.99), eps=1e-8, **extra)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def measure(cfg, device, sdpa, tf32, seconds):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.manual_seed(1)
    model = GPT(cfg, sdpa).to(device)
    opt = optimizer(model, device, fused=True)
    batches = [
        (
            torch.randint(
                0, cfg.vocab, (cfg.batch_size, cfg.block_size), device=device
            ),
            torch.randint(
                0, cfg.vocab, (cfg.batch_size, cfg.block_size), device=device
            ),
        )
        for _ in range(4)
    ]

    def step(i):
        x, y = batches[i % len(batches)]
        loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.item()  # read every step, as our training loop logs it

    loss = float("nan")
    for i in range(3):
        loss = step(i)
    sync(device)
    steps, start = 0, time.perf_counter()
    while steps < 3 or time.perf_counter() - start < seconds:
        loss = step(steps)
        steps += 1
    sync(device)
    elapsed = time.perf_counter() - start
    launches = None
    if device.type == "cuda":
        try:
            from torch.profiler import ProfilerActivity, profile

            with profile(activities=[ProfilerActivity.CUDA]) as prof:
                for i in range(2):
                    step(i)
                sync(device)
            kernels = [e for e in (prof.events() or []) if e.device_type.name == "CUDA"]
            launches = len(kernels) / 2
        except Exception as error:  # noqa: BLE001 - the profiler is a nicety: the timing above stands without it
            print(f"torch_reference: profiler failed: {error}", file=sys.stderr)
    tokens = cfg.batch_size * cfg.block_size * steps
    return {
        "attention": "sdpa" if sdpa else "manual",
        "tf32": tf32,
        "steps": steps,
        "secondsPerStep": elapsed / steps,
        "tokensPerSecond": tokens / elapsed,
        "launchesPerStep": launches,
        "loss": loss,
        "parameters": sum(p.numel() for p in model.parameters()),
    }


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--vocab",
        type=int,
        required=True,
        help="vocabulary size (the benchmark's corpus)",
    )
    ap.add_argument("--n-layer", type=int, default=6)
    ap.add_argument("--n-head", type=int, default=8)
    ap.add_argument("--n-embd", type=int, default=512)
    ap.add_argument("--block-size", type=int, default=256)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument(
        "--seconds", type=float, default=5.0, help="measuring time per variant"
    )
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--out", required=True, help="JSON to write")
    cfg = ap.parse_args()
    cfg.bias = True
    device = torch.device(cfg.device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    variants = [(True, False), (False, False)] + (
        [(True, True)] if device.type == "cuda" else []
    )
    results = [measure(cfg, device, sdpa, tf32, cfg.seconds) for sdpa, tf32 in variants]
    for r in results:
        print(
            f"{r['attention']:7} tf32={r['tf32']!s:5} {r['tokensPerSecond']:10.0f} tok/s "
            f"{r['secondsPerStep'] * 1000:8.2f} ms/step  launches/step {r['launchesPerStep']}  loss {r['loss']:.3f}"
        )
    main_variant = results[0]
    shape = f"n_layer {cfg.n_layer}, n_head {cfg.n_head}, n_embd {cfg.n_embd}, block {cfg.block_size}, batch {cfg.batch_size}, vocab {cfg.vocab}"
    out = {
        "tokensPerSecond": main_variant["tokensPerSecond"],
        "launchesPerStep": main_variant["launchesPerStep"],
        "device": name,
        "description": f"torch {torch.__version__} eager float32 (TF32 off), nanoGPT layout, SDPA attention, fused AdamW, clip 1.0; {shape}",
        "variants": results,
        "torch": torch.__version__,
    }
    with open(cfg.out, "w") as f:
        json.dump(out, f, indent=2)
    print(f"wrote {cfg.out}")


if __name__ == "__main__":
    main()
