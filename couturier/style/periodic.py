"""Periodic fabric: find a swatch's repeat, and grow fabric that repeats it seamlessly.

Checks, stripes, knits and prints repeat on a lattice; a designer growing fabric from such a swatch
expects that repeat, at its scale. Statistics-matching synthesis (Gram matrices, even with a
spectrum term) keeps the colours and the grain but lets the repeat drift: a check turns into
crinkled crepe. Here the swatch's period along each axis is read from its autocorrelation; one
period-sized cell is cut, made exactly periodic with Moisan's periodic + smooth decomposition
(2011: the cell minus the smooth image that carries its border jumps), and the cell is tiled to the
requested size, its period stretched by at most half a repeat so that a whole number fits.

Hand-written because no kept library does these: scipy and scikit-image have FFTs and filters but
no period estimation of a texture and no periodic + smooth decomposition.
"""
from __future__ import annotations

import numpy as np
import torch

MIN_PERIOD = 4  # px: finer repeats are the weave, which the cell carries anyway
MIN_CORRELATION = 0.35  # a repeat at least this alike (autocorrelation, 1 at lag 0) counts as periodic
MIN_REPEATS = 1.5  # a period must be seen this many times in the swatch to be trusted
PROMINENT = 3.0  # a spectrum peak this far above its surroundings is a repeat (see spectrum_peak)


def _autocorrelation(gray: np.ndarray) -> np.ndarray:
    """Mean normalised autocorrelation of the rows of `gray` (H, W) at lags 0..W-1, unbiased
    (each lag averaged over the pixels it overlaps) and linear (zero-padded, not circular)."""
    rows = gray - gray.mean(axis=1, keepdims=True)
    width = rows.shape[1]
    spectrum = np.fft.rfft(rows, n=2 * width, axis=1)
    correlation = np.fft.irfft(spectrum * np.conj(spectrum), axis=1)[:, :width].sum(axis=0)
    correlation /= np.arange(width, 0, -1) * rows.shape[0]
    return correlation / max(correlation[0], 1e-12)


def axis_period(gray: np.ndarray) -> float | None:
    """The period in px of the repeat along the rows of `gray` (H, W), or None when they do not
    repeat: the shortest autocorrelation peak nearly as strong as the strongest (whose multiples
    are as strong), refined to a fraction of a pixel."""
    correlation = _autocorrelation(gray)
    longest = int(len(correlation) / MIN_REPEATS)
    peaks = [lag for lag in range(MIN_PERIOD, longest)
             if correlation[lag] >= MIN_CORRELATION and correlation[lag] >= correlation[lag - 1]
             and correlation[lag] > correlation[lag + 1]]
    if not peaks:
        return None
    strongest = max(correlation[lag] for lag in peaks)
    best = next(lag for lag in peaks if correlation[lag] >= 0.8 * strongest)  # the fundamental, not a multiple
    left, centre, right = correlation[best - 1:best + 2]
    bend = left - 2 * centre + right
    return best + (0.5 * (left - right) / bend if bend < 0 else 0.0)


def lattice(swatch: torch.Tensor) -> tuple[float | None, float | None]:
    """(period across, period down) of a (1, 3, H, W) swatch in px; None along an axis that does
    not repeat."""
    gray = swatch[0].mean(0).double().numpy()
    return axis_period(gray), axis_period(gray.T)


def periodic_component(image: torch.Tensor) -> torch.Tensor:
    """Moisan's periodic component of (1, C, H, W): the image less the smooth image whose
    Laplacian is its border jumps, so that it tiles without a seam and keeps its detail."""
    u = image[0].double()
    _, height, width = u.shape
    jumps = torch.zeros_like(u)
    jumps[:, 0, :] += u[:, -1, :] - u[:, 0, :]
    jumps[:, -1, :] += u[:, 0, :] - u[:, -1, :]
    jumps[:, :, 0] += u[:, :, -1] - u[:, :, 0]
    jumps[:, :, -1] += u[:, :, 0] - u[:, :, -1]
    q = torch.arange(height, dtype=torch.float64)[:, None]
    r = torch.arange(width, dtype=torch.float64)[None, :]
    denominator = 2 * torch.cos(2 * torch.pi * q / height) + 2 * torch.cos(2 * torch.pi * r / width) - 4
    denominator[0, 0] = 1.0
    smooth_spectrum = torch.fft.fft2(jumps) / denominator
    smooth_spectrum[:, 0, 0] = 0.0
    smooth = torch.fft.ifft2(smooth_spectrum).real
    return (u - smooth).to(image.dtype)[None]


def repeat_fabric(swatch: torch.Tensor, size: int, seed: int = 0) -> torch.Tensor | None:
    """A seamless size x size piece repeating a periodic swatch's cell at its scale; None when the
    swatch repeats along neither axis (it is grown by synthesis instead). Along an axis that does
    not repeat, the whole swatch is the cell. The seed picks where in the swatch the cell starts."""
    across, down = lattice(swatch)
    if across is None and down is None:
        return None
    _, _, height, width = swatch.shape
    cell_w, cell_h = across or width, down or height
    w, h = min(round(cell_w), width), min(round(cell_h), height)
    rng = np.random.default_rng(seed)
    x0, y0 = int(rng.integers(0, width - w + 1)), int(rng.integers(0, height - h + 1))
    cell = periodic_component(swatch[..., y0:y0 + h, x0:x0 + w])
    # the cell at its true (sub-pixel) period, then a whole number of repeats stretched to `size`
    repeats_x, repeats_y = max(1, round(size / cell_w)), max(1, round(size / cell_h))
    tiled = cell.repeat(1, 1, repeats_y, repeats_x)
    return _resize_periodic(tiled, size).clamp(0, 1)


def _resize_periodic(image: torch.Tensor, size: int) -> torch.Tensor:
    """Cubic resampling of a periodic image to size x size that stays exactly periodic: each output
    pixel weighs its four nearest source pixels along each axis, counted around the edge."""
    height, width = image.shape[-2:]
    rows, columns = _cubic_matrix(height, size), _cubic_matrix(width, size)
    return torch.einsum("yh,bchw,xw->bcyx", rows, image.double(), columns).to(image.dtype)


def _cubic_matrix(n_in: int, n_out: int) -> torch.Tensor:
    """(n_out, n_in) weights of Keys' cubic convolution (a = -0.5) with wrapped-around indices."""
    source = (torch.arange(n_out, dtype=torch.float64) + 0.5) * n_in / n_out - 0.5
    base = torch.floor(source)
    matrix = torch.zeros(n_out, n_in, dtype=torch.float64)
    for offset in (-1, 0, 1, 2):
        distance = (source - (base + offset)).abs()
        weight = torch.where(distance <= 1, 1.5 * distance ** 3 - 2.5 * distance ** 2 + 1,
                             -0.5 * distance ** 3 + 2.5 * distance ** 2 - 4 * distance + 2)
        index = (base + offset).long() % n_in
        matrix.index_put_((torch.arange(n_out), index), weight, accumulate=True)
    return matrix


def calmest_cut(image: torch.Tensor) -> torch.Tensor:
    """A tileable (1, C, H, W) fabric turned on its torus so that its edges fall where it changes
    least: between the two neighbouring columns, and the two rows, with the smallest mean
    difference. Where a tile is cut is free on a torus; a pattern cutter cuts where the cloth is
    calm, so the seam of a tiling is no stronger than the fabric's calmest own edge."""
    gray = image[0].mean(0)
    column_jumps = (gray.roll(-1, 1) - gray).abs().mean(0)  # between column j and j + 1
    row_jumps = (gray.roll(-1, 0) - gray).abs().mean(1)
    column, row = int(column_jumps.argmin()), int(row_jumps.argmin())
    return image.roll((-(row + 1), -(column + 1)), (-2, -1))


def dominant_period(image: torch.Tensor, longest: float | None = None) -> float:
    """The period in px of the strongest repeat in (1, C, H, W), whatever its direction (see
    `spectrum_peak`)."""
    return spectrum_peak(image, longest)[0]


def spectrum_peak(image: torch.Tensor, longest: float | None = None) -> tuple[float, float]:
    """(period in px, prominence) of the strongest repeat in (1, C, H, W): the peak of the
    Hann-windowed power spectrum of its grey levels averaged over rings of equal frequency, over
    periods from MIN_PERIOD to `longest` (default half the short side), placed between rings by a
    parabola through the peak's log power and its neighbours'. The prominence is the peak's power
    over the median of the rings around it (an octave each way): about 1 for a fabric with no
    repeat, whose peak only marks where its power stops growing towards coarse scales."""
    gray = image[0].mean(0).double().numpy()
    gray = gray - gray.mean()
    height, width = gray.shape
    window = np.outer(np.hanning(height), np.hanning(width))
    side = max(2 * max(height, width), 1024)  # zero padding: rings finer than one cycle per side
    power = np.abs(np.fft.fft2(gray * window, s=(side, side))) ** 2
    frequency = np.hypot(*np.meshgrid(np.fft.fftfreq(side), np.fft.fftfreq(side), indexing="ij"))
    rings = np.rint(frequency * side).astype(int)  # ring k: k cycles per `side` pixels
    profile = np.bincount(rings.ravel(), power.ravel()) / np.maximum(np.bincount(rings.ravel()), 1)
    longest = longest or min(height, width) / 2
    first, last = int(np.ceil(side / longest)), int(side / MIN_PERIOD)
    peak = first + int(np.argmax(profile[first:last + 1]))
    log_power = np.log(profile[peak - 1:peak + 2] + 1e-30)
    bend = log_power[0] - 2 * log_power[1] + log_power[2]
    shift = float(np.clip(0.5 * (log_power[0] - log_power[2]) / bend, -0.5, 0.5)) if bend < 0 else 0.0
    around = profile[max(peak // 2, 1):min(peak * 2, len(profile) - 1) + 1]
    return float(side / max(peak + shift, first)), float(profile[peak] / max(np.median(around), 1e-30))
