"""Writes the reference fixtures for main/signal from an independent implementation (numpy/scipy).

Run with the system Python that has scipy:  /usr/bin/python3 scripts/signal-fixtures/generate.py
Outputs JSON under main/signal/fixtures/. Inputs are rounded before the expected values are computed,
so the TypeScript tests see exactly the numbers scipy saw. Seeds are fixed: reruns are byte-identical.
"""
import json
import math
import os

import numpy as np
import scipy
import scipy.signal as ss
import scipy.sparse as sp
import scipy.sparse.linalg as spl

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'main', 'signal', 'fixtures')

# Mirrors of the TypeScript defaults (main/signal/options.ts) for the windowed HR reference.
HR_BAND = (0.7, 3.5)
SNR_BAND = (0.5, 4.0)
ORDER = 4
WINDOW_S, STEP_S, SEGMENT_S = 15.0, 1.0, 8.0  # main/signal/options.ts defaults
RESOLUTION_HZ = 1 / 30
DETREND_CUTOFF_HZ = 0.05


def r(a, digits=6):
    return [round(float(v), digits) for v in np.asarray(a)]


def write(name, data):
    data = {'generator': 'scripts/signal-fixtures/generate.py', 'scipy': scipy.__version__, 'numpy': np.__version__, **data}
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(data, f, separators=(',', ':'))
        f.write('\n')


def smoothness_detrend(x, lam):
    n = len(x)
    d2 = sp.diags([1.0, -2.0, 1.0], [0, 1, 2], shape=(n - 2, n))
    m = sp.eye(n) + lam * lam * (d2.T @ d2)
    return x - spl.spsolve(m.tocsc(), x)


def filters(rng):
    configs = [(4, 0.7, 3.5, 30.0), (2, 0.1, 0.5, 30.0), (3, 0.7, 2.5, 15.0), (4, 0.5, 4.0, 30.0), (1, 0.5, 8.0, 30.0), (6, 1.0, 2.0, 25.0)]
    design = []
    for order, lo, hi, fs in configs:
        freqs = np.round(np.linspace(0.01, fs / 2 - 0.01, 97), 6)
        sos = ss.butter(order, [lo, hi], 'bandpass', fs=fs, output='sos')
        _, h = ss.sosfreqz(sos, freqs, fs=fs)
        design.append({'order': order, 'low': lo, 'high': hi, 'fs': fs, 'freqs': r(freqs), 'magnitude': r(np.abs(h), 12)})
    n = 300
    t = np.arange(n) / 30.0
    x = np.round(np.sin(2 * np.pi * 1.3 * t) + 0.5 * np.sin(2 * np.pi * 0.2 * t) + 0.02 * t * t + rng.normal(0, 0.3, n), 6)
    filtfilt = []
    for order, lo, hi, fs in [(4, 0.7, 3.5, 30.0), (2, 0.1, 0.5, 30.0), (3, 0.5, 8.0, 30.0)]:
        sos = ss.butter(order, [lo, hi], 'bandpass', fs=fs, output='sos')
        filtfilt.append({'order': order, 'low': lo, 'high': hi, 'fs': fs, 'y': r(ss.sosfiltfilt(sos, x), 12)})
    lam = 20.0
    write('filters.json', {
        'design': design,
        'input': r(x),
        'filtfilt': filtfilt,
        'detrend': {'lambda': lam, 'smoothness': r(smoothness_detrend(x, lam), 12), 'linear': r(ss.detrend(x, type='linear'), 12)},
    })


def spectra(rng):
    fs = 30.0
    n = 1000
    t = np.arange(n) / fs
    x = np.round(np.sin(2 * np.pi * 1.234 * t) + 0.3 * np.sin(2 * np.pi * 2.468 * t) + rng.normal(0, 0.5, n), 6)
    cases = []
    for seg, overlap, nfft in [(256, 128, 256), (256, 200, 1024), (300, 0, 512), (180, 150, 2048)]:
        f, p = ss.welch(x, fs, window='hann', nperseg=seg, noverlap=overlap, nfft=nfft, detrend='constant')
        cases.append({'segment': seg, 'overlap': overlap, 'nfft': nfft, 'psd': r(p, 12), 'df': float(f[1])})
    # Peak finding with scipy's rules: distance by priority, prominence within wlen, plateaus.
    y = np.round(np.sin(2 * np.pi * 1.1 * t[:600]) + rng.normal(0, 0.4, 600), 2)
    y[100:104] = 3.0
    peaks = []
    for distance, prominence, wlen in [(12, 0.5, 61), (1, 0.0, None), (20, 1.0, None)]:
        kw = {'distance': distance, 'prominence': prominence}
        if wlen:
            kw['wlen'] = wlen
        idx, props = ss.find_peaks(y, **kw)
        peaks.append({'distance': distance, 'prominence': prominence, 'wlen': wlen, 'indices': idx.tolist(), 'prominences': r(props['prominences'], 9)})
    write('spectra.json', {'fs': fs, 'input': r(x), 'welch': cases, 'peakInput': r(y, 2), 'peaks': peaks})


def peak_in_band(f, p, lo, hi):
    df = f[1]
    a = max(1, math.ceil(lo / df))
    b = min(len(p) - 2, math.floor(hi / df))
    best = -1
    for k in range(a, b + 1):
        if p[k] > p[k - 1] and p[k] >= p[k + 1] and (best < 0 or p[k] > p[best]):
            best = k
    if best < 0:
        return None
    den = p[best - 1] - 2 * p[best] + p[best + 1]
    d = 0.0 if den >= 0 else float(np.clip(0.5 * (p[best - 1] - p[best + 1]) / den, -0.5, 0.5))
    return (best + d) * df


def windowed_hr(t, x):
    """The windowed Welch HR pipeline of main/signal, written again with numpy/scipy."""
    fs = 1 / np.median(np.diff(t))
    n = int(math.floor((t[-1] - t[0]) * fs + 1e-9)) + 1
    grid = t[0] + np.arange(n) / fs
    xu = np.interp(grid, t, x)
    lam = (fs / (2 * np.pi * DETREND_CUTOFF_HZ)) ** 2
    broad = ss.sosfiltfilt(ss.butter(ORDER, [min(HR_BAND[0], SNR_BAND[0]), max(HR_BAND[1], SNR_BAND[1])], 'bandpass', fs=fs, output='sos'), smoothness_detrend(xu, lam))
    max_hz = max(SNR_BAND[1], HR_BAND[1]) + max(0.1, 1 / SEGMENT_S)
    q = max(1, int(math.floor(fs / (1.2 * 2 * max_hz))))
    xd = broad[::q]
    fsd = fs / q
    window, seg, hop = round(WINDOW_S * fsd), round(SEGMENT_S * fsd), max(1, round(STEP_S * fsd))
    nfft = 1 << int(math.ceil(math.log2(max(seg, math.ceil(fsd / RESOLUTION_HZ)))))
    out = []
    for start in range(0, len(xd) - window + 1, hop):
        f, p = ss.welch(xd[start:start + window], fsd, window='hann', nperseg=seg, noverlap=seg - hop, nfft=nfft, detrend='constant')
        hz = peak_in_band(f, p, *HR_BAND)
        out.append(None if hz is None else hz * 60)
    return out


def frames(rng, duration, fs, jitter=0.005, drop=0.05, gap=None):
    t = np.arange(int(duration * fs)) / fs
    keep = rng.random(len(t)) >= drop
    if gap:
        keep &= ~((t >= gap[0]) & (t < gap[1]))
    t = t[keep] + rng.uniform(-jitter, jitter, keep.sum())
    return np.round(t, 5)


def hr_cases(rng):
    cases = []

    def add(name, bpm, t, x, note):
        x = np.round(x, 4)
        cases.append({'name': name, 'bpm': bpm, 'note': note, 't': r(t, 5), 'x': r(x, 4), 'scipyBpm': [None if v is None else round(v, 6) for v in windowed_hr(t, x)]})

    for bpm in [48, 60, 72, 90, 120, 150, 180]:
        t = frames(rng, 60, 30.0)
        f = bpm / 60
        phase = rng.uniform(0, 2 * np.pi)
        # 0 dB SNR: white noise with the sinusoid's power (A²/2) over the whole 0–15 Hz band.
        x = np.sin(2 * np.pi * f * t + phase) + rng.normal(0, math.sqrt(0.5), len(t))
        add(f'sine-{bpm}', bpm, t, x, '0 dB SNR white noise, ±5 ms jitter, 5 % dropped frames')
    t = frames(rng, 60, 30.0)
    f = 66 / 60
    x = np.sin(2 * np.pi * f * t) + 0.6 * np.sin(4 * np.pi * f * t + 0.7) + 0.3 * np.sin(6 * np.pi * f * t + 1.1) + rng.normal(0, 0.5, len(t))
    add('harmonics-66', 66, t, x, 'pulse with 2nd and 3rd harmonics, noise, jitter, drops')
    t = frames(rng, 60, 30.0, gap=(27.0, 29.5))
    x = np.sin(2 * np.pi * 84 / 60 * t) + rng.normal(0, 0.5, len(t)) + 0.02 * t
    add('gap-84', 84, t, x, '2.5 s gap at 27 s, drift, jitter, drops')
    t = frames(rng, 60, 25.0)
    x = np.sin(2 * np.pi * 100 / 60 * t) + rng.normal(0, math.sqrt(0.5), len(t))
    add('fps25-100', 100, t, x, '25 fps camera, 0 dB SNR')
    write('heart-rate.json', {'cases': cases})


def hrv_reference(rr, band=HR_BAND, deviation=0.2, half_span=5):
    """Gating as in main/signal/hrv.ts, then the textbook definitions."""
    n = len(rr)
    verdict = np.zeros(n, int)
    verdict[(rr < 1 / band[1]) | (rr > 1 / band[0])] = 2
    for i in range(n):
        if verdict[i]:
            continue
        lo, hi = max(0, i - half_span), min(n - 1, i + half_span)
        neigh = [rr[j] for j in range(lo, hi + 1) if verdict[j] not in (1, 2)]
        med = np.median(neigh)
        if abs(rr[i] - med) > deviation * med:
            verdict[i] = 3
    nn = rr[verdict == 0] * 1000
    diffs = np.array([(rr[i] - rr[i - 1]) * 1000 for i in range(1, n) if verdict[i] == 0 and verdict[i - 1] == 0])
    return {
        'meanNnMs': float(np.mean(nn)), 'sdnnMs': float(np.std(nn, ddof=1)), 'rmssdMs': float(np.sqrt(np.mean(diffs ** 2))),
        'pnn50': float(100 * np.mean(np.abs(diffs) > 50)), 'accepted': int((verdict == 0).sum()), 'intervals': n,
    }


def pulse_from_beats(beats, t):
    """cos(φ) + 0.3·cos(2φ) with φ advancing 2π per beat: each beat time is exactly a waveform maximum."""
    phase = np.interp(t, beats, 2 * np.pi * np.arange(len(beats)))
    return np.cos(phase) + 0.3 * np.cos(2 * phase)


def hrv(rng):
    n = 420
    rr = 0.8 + 0.05 * np.sin(2 * np.pi * 0.25 * np.arange(n) * 0.8) + rng.normal(0, 0.025, n)
    rr = np.round(rr, 4)
    beats = np.concatenate([[1.0], 1.0 + np.cumsum(rr)])
    clean = hrv_reference(rr)
    # The same series with an ectopic beat (early, then compensatory) and one missed beat.
    ectopic = rr.copy()
    ectopic[100] -= 0.3
    ectopic[101] += 0.3
    ectopic = np.concatenate([ectopic[:200], [ectopic[200] + ectopic[201]], ectopic[202:]])
    t = frames(rng, beats[-1] + 1.0, 30.0)
    x = np.round(pulse_from_beats(beats, t) + rng.normal(0, 0.05, len(t)), 4)
    write('hrv.json', {
        'rr': r(rr, 4), 'expected': clean,
        'ectopicRr': r(ectopic, 4), 'ectopicExpected': hrv_reference(ectopic),
        'waveform': {'t': r(t, 5), 'x': r(x, 4), 'beats': r(beats, 4), 'note': 'beats from rr above, 30 fps, ±5 ms jitter, 5 % dropped, noise σ 0.05'},
    })


def pos(rgb, fs):
    """Wang et al. 2017, Algorithm 1: every window of l samples ending at each sample, overlap-added."""
    l = round(1.6 * fs)
    n = rgb.shape[0]
    h_out = np.zeros(n)
    p = np.array([[0, 1, -1], [-2, 1, 1]])
    for m in range(0, n - l + 1):
        c = rgb[m:m + l] / rgb[m:m + l].mean(axis=0)
        s = c @ p.T
        alpha = s[:, 0].std() / s[:, 1].std()
        h = s[:, 0] + alpha * s[:, 1]
        h_out[m:m + l] += h - h.mean()
    return h_out


def chrom(rgb, fs, band):
    """de Haan & Jeanne 2013 as in rPPG-Toolbox's CHROME_DEHAAN (sos form; pad capped at the window)."""
    win = round(1.6 * fs)
    win += win % 2
    half = win // 2
    n = rgb.shape[0]
    sos = ss.butter(3, band, 'bandpass', fs=fs, output='sos')
    out = np.zeros(n)
    taper = np.hanning(win)
    start = 0
    while start + win <= n:
        c = rgb[start:start + win] / rgb[start:start + win].mean(axis=0)
        x = 3 * c[:, 0] - 2 * c[:, 1]
        y = 1.5 * c[:, 0] + c[:, 1] - 1.5 * c[:, 2]
        pad = min(3 * (2 * 3 + 1), win - 1)
        xf = ss.sosfiltfilt(sos, x, padlen=pad)
        yf = ss.sosfiltfilt(sos, y, padlen=pad)
        s = (xf - xf.std() / yf.std() * yf) * taper
        out[start:start + half] += s[:half]
        out[start + half:start + win] = s[half:]
        start += half
    return out


def baselines(rng):
    fs = 30.0
    n = 900
    t = np.arange(n) / fs
    pulse = np.sin(2 * np.pi * 1.25 * t)
    light = 1 + 0.03 * np.sin(2 * np.pi * 0.15 * t) + 0.01 * rng.normal(0, 1, n)
    dc = np.array([150.0, 110.0, 90.0])
    tone = np.array([0.33, 0.77, 0.53])
    rgb = dc * light[:, None] * (1 + 0.004 * pulse[:, None] * tone) + rng.normal(0, 0.3, (n, 3))
    rgb = np.round(rgb, 4)
    write('baselines.json', {
        'fs': fs, 'bpm': 75, 'r': r(rgb[:, 0], 4), 'g': r(rgb[:, 1], 4), 'b': r(rgb[:, 2], 4),
        'pos': r(pos(rgb, fs), 12), 'chrom': r(chrom(rgb, fs, (0.7, 3.5)), 12), 'green': r(1 - rgb[:, 1] / rgb[:, 1].mean(), 12),
    })


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240605)
    filters(rng)
    spectra(rng)
    hr_cases(rng)
    hrv(rng)
    baselines(rng)


if __name__ == '__main__':
    main()
