#!/usr/bin/env python3
"""Reference: the classic BERT pretraining tutorial (d2l.ai, PyTorch) as one self-contained script.

Used side by side with `bert bench` / `bert pretrain` to compare throughput on the same machine:
same data rules, same model (2 layers, 128 hidden, 2 heads, FFN 256, dropout 0.2), batch 512, max_len 64.
It reports what the tutorial reports: final MLM and NSP loss and sentence pairs per second, where the timer
covers forward, backward and the optimizer step only (data preparation excluded), as in the tutorial.

  python3 bench/pytorch_tutorial_bert.py --data ../shared/data/wikitext-2 --steps 50 --threads 2
  python3 bench/pytorch_tutorial_bert.py --device cuda --compile        # torch.compile on a GPU

Differences from the tutorial, kept deliberately small: vocabulary ids are sorted ordinally (ids do not change
speed); the MLM loss is the weighted mean over real prediction slots (a cross-entropy mean-reduced before the weights
are applied would also count padded slots); --json prints one JSON line at the end, which adds the median step's
rate (median_pairs_per_s) to the tutorial's mean over all steps, first step included (pairs_per_s).
"""
import argparse, collections, json, math, os, random, statistics, time

import torch
from torch import nn
from torch.nn import functional as F


# ---- data (the tutorial's _read_wiki / _get_nsp_data_from_paragraph / _get_mlm_data_from_tokens) ----
def read_wiki(folder):
    with open(os.path.join(folder, "wiki.train.tokens"), encoding="utf-8") as f:
        lines = f.readlines()
    paragraphs = [line.strip().lower().split(" . ") for line in lines if len(line.split(" . ")) >= 2]
    random.shuffle(paragraphs)
    return paragraphs


def build_vocab(sentences, min_freq=5):
    counts = collections.Counter(tok for sentence in sentences for tok in sentence)
    reserved = ["<unk>", "<pad>", "<mask>", "<cls>", "<sep>"]
    tokens = sorted(set(reserved) | {t for t, c in counts.items() if c >= min_freq})
    return {t: i for i, t in enumerate(tokens)}


def nsp_pairs(paragraph, paragraphs, max_len):
    out = []
    for i in range(len(paragraph) - 1):
        a, b, is_next = paragraph[i], paragraph[i + 1], True
        if random.random() >= 0.5:
            b, is_next = random.choice(random.choice(paragraphs)), False
        if len(a) + len(b) + 3 > max_len:
            continue
        out.append((["<cls>"] + a + ["<sep>"] + b + ["<sep>"], [0] * (len(a) + 2) + [1] * (len(b) + 1), is_next))
    return out


def mlm(tokens, vocab, vocab_list):
    candidates = [i for i, t in enumerate(tokens) if t not in ("<cls>", "<sep>")]
    random.shuffle(candidates)
    n = max(1, round(len(tokens) * 0.15))
    masked = list(tokens)
    chosen = sorted(candidates[:n])
    for p in chosen:
        r = random.random()
        masked[p] = "<mask>" if r < 0.8 else (tokens[p] if r < 0.9 else random.choice(vocab_list))
    unk = vocab["<unk>"]
    return [vocab.get(t, unk) for t in masked], chosen, [vocab.get(tokens[p], unk) for p in chosen]


def build_dataset(folder, max_len):
    paragraphs = [[s.split() for s in p] for p in read_wiki(folder)]
    vocab = build_vocab([s for p in paragraphs for s in p])
    vocab_list = list(vocab)
    examples = [e for p in paragraphs for e in nsp_pairs(p, paragraphs, max_len)]
    max_preds = round(max_len * 0.15)
    cols = collections.defaultdict(list)
    for tokens, segments, is_next in examples:
        ids, pos, labels = mlm(tokens, vocab, vocab_list)
        pad = max_len - len(ids)
        cols["tokens"].append(ids + [vocab["<pad>"]] * pad)
        cols["segments"].append(segments + [0] * pad)
        cols["valid_lens"].append(len(ids))
        cols["pred_positions"].append(pos + [0] * (max_preds - len(pos)))
        cols["mlm_weights"].append([1.0] * len(pos) + [0.0] * (max_preds - len(pos)))
        cols["mlm_labels"].append(labels + [0] * (max_preds - len(pos)))
        cols["nsp_labels"].append(int(is_next))
    tensors = {k: torch.tensor(v, dtype=torch.float32 if k == "mlm_weights" else torch.long) for k, v in cols.items()}
    return tensors, len(vocab)


# ---- model (BERTEncoder + MaskLM + NextSentencePred of the tutorial) ----
def masked_softmax(scores, valid_lens):
    # keys at positions >= valid_len get -1e6 before the softmax, as in the tutorial
    mask = torch.arange(scores.shape[-1], device=scores.device)[None, None, None, :] >= valid_lens[:, None, None, None]
    return F.softmax(scores.masked_fill(mask, -1e6), dim=-1)


class EncoderBlock(nn.Module):
    def __init__(self, hidden, heads, ffn, dropout):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(hidden, hidden) for _ in range(4))
        self.norm1, self.norm2 = nn.LayerNorm(hidden), nn.LayerNorm(hidden)
        self.ffn1, self.ffn2 = nn.Linear(hidden, ffn), nn.Linear(ffn, hidden)
        self.dropout = nn.Dropout(dropout)

    def split(self, x):
        b, t, h = x.shape
        return x.reshape(b, t, self.heads, h // self.heads).transpose(1, 2)

    def forward(self, x, valid_lens):
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
        context = self.dropout(masked_softmax(scores, valid_lens)) @ v
        context = context.transpose(1, 2).reshape(x.shape)
        x = self.norm1(x + self.dropout(self.o(context)))
        return self.norm2(x + self.dropout(self.ffn2(F.relu(self.ffn1(x)))))


class TutorialBert(nn.Module):
    def __init__(self, vocab, hidden=128, heads=2, ffn=256, layers=2, dropout=0.2, max_positions=1000):
        super().__init__()
        self.token = nn.Embedding(vocab, hidden)
        self.segment = nn.Embedding(2, hidden)
        self.position = nn.Parameter(torch.randn(1, max_positions, hidden))
        self.blocks = nn.ModuleList(EncoderBlock(hidden, heads, ffn, dropout) for _ in range(layers))
        self.mlm = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.LayerNorm(hidden), nn.Linear(hidden, vocab))
        self.nsp_hidden = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh())
        self.nsp = nn.Linear(hidden, 2)

    def forward(self, tokens, segments, valid_lens, pred_positions):
        x = self.token(tokens) + self.segment(segments) + self.position[:, : tokens.shape[1], :]
        for block in self.blocks:
            x = block(x, valid_lens)
        batch = torch.arange(tokens.shape[0], device=tokens.device)[:, None]
        mlm_logits = self.mlm(x[batch, pred_positions])
        return x, mlm_logits, self.nsp(self.nsp_hidden(x[:, 0, :]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="../shared/data/wikitext-2")
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--compile", action="store_true", help="wrap the model in torch.compile")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    data, vocab = build_dataset(args.data, args.max_len)
    prep_s = time.perf_counter() - t0
    n = data["tokens"].shape[0]

    device = torch.device(args.device)
    model = TutorialBert(vocab).to(device)
    step_fn = torch.compile(model) if args.compile else model
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    ce = nn.CrossEntropyLoss(reduction="none")

    step, pairs, train_s, step_s = 0, 0, 0.0, []
    while step < args.steps:
        order = torch.randperm(n)
        for start in range(0, n - args.batch + 1, args.batch):
            idx = order[start : start + args.batch]
            b = {k: v[idx].to(device) for k, v in data.items()}
            if device.type == "cuda":
                torch.cuda.synchronize()
            t = time.perf_counter()
            opt.zero_grad()
            _, mlm_logits, nsp_logits = step_fn(b["tokens"], b["segments"], b["valid_lens"], b["pred_positions"])
            # weighted MLM loss over real prediction slots, mean NSP loss
            w = b["mlm_weights"].reshape(-1)
            mlm_loss = (ce(mlm_logits.reshape(-1, vocab), b["mlm_labels"].reshape(-1)) * w).sum() / (w.sum() + 1e-8)
            nsp_loss = ce(nsp_logits, b["nsp_labels"]).mean()
            (mlm_loss + nsp_loss).backward()
            opt.step()
            if device.type == "cuda":
                torch.cuda.synchronize()
            step_s.append(time.perf_counter() - t)
            train_s += step_s[-1]
            pairs += args.batch
            step += 1
            if step == args.steps:
                break
    print(f"MLM loss {mlm_loss.item():.3f}, NSP loss {nsp_loss.item():.3f}")
    print(f"{pairs / train_s:.1f} sentence pairs/sec on {device}")
    if args.json:
        median_s = statistics.median(step_s)
        print(json.dumps({"mlm_loss": mlm_loss.item(), "nsp_loss": nsp_loss.item(), "pairs_per_s": pairs / train_s,
                          "median_step_s": median_s, "median_pairs_per_s": args.batch / median_s,
                          "vocab": vocab, "examples": n, "steps": step, "device": str(device), "prep_s": prep_s,
                          "torch": torch.__version__, "compiled": args.compile}))


if __name__ == "__main__":
    main()
