"""One generic adversarial training loop for every registered model and loss.

The loop knows steps, optimizers, EMA, AMP, DDP, penalties, checkpoints and logging; what a
model is conditioned on, its extra loss terms and schedules come from the model's own file
(couturier.models.base.GAN).
"""
from __future__ import annotations

import copy
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from couturier import distributed
from couturier.augment import diff_augment, parse_policy
from couturier.checkpoint import Checkpoint, flatten_state, load_checkpoint, save_checkpoint, write_checkpoint_folder
from couturier.config import Config
from couturier.data import BatchSampler, ImageDataset
from couturier.data.images import save_grid, to_uint8
from couturier.errors import RunDirError, TrainingDiverged, WriteError
from couturier.fileio import write_text
from couturier.losses import get_loss, gradient_penalty, r1_penalty
from couturier.models import get_model
from couturier.models.outputs import as_output
from couturier.noise import Noise
from couturier.train.folder import RunFolder
from couturier.train.judging import Judging
from couturier.train.logging import LogWindow, MetricsLog, progress_bar
from couturier.train.run import has_checkpoint, native_bfloat16_cpu, pick_device, resolve_diffaugment, saved_meta
from couturier.train.state import restore_training, training_checkpoint
from couturier.train.stopping import GracefulStop, StopNow, signal_of

__all__ = ["Trainer", "TrainingDiverged", "RunDirError"]


@dataclass
class StepStats:
    loss_d: torch.Tensor
    loss_g: torch.Tensor
    d_real: torch.Tensor
    d_fake: torch.Tensor
    grad_norm_d: torch.Tensor
    grad_norm_g: torch.Tensor


def _grad_norm(module: torch.nn.Module) -> torch.Tensor:
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))


class Trainer:
    """Owns the networks, optimizers and run folder; `fit()` trains to the budget.

    Example:
        cfg = couturier.build_config({"model": {"name": "dcgan"}, "train": {"steps": 500}})
        Trainer(cfg, "runs/demo").fit()

    With resume=True the run continues from its latest checkpoint; pass the run's own config
    (see `couturier.train.run.resumed_config`) with a larger budget to get the same weights as an uninterrupted run.

    Under torchrun every process builds a Trainer: they join one process group, each trains
    on its share of the global batch with DistributedDataParallel, and rank 0 alone writes
    the run folder (see couturier.distributed).
    """

    def __init__(self, cfg: Config, run_dir: str | Path, resume: bool = False,
                 dataset: ImageDataset | None = None, log: Callable[[str], None] = print):
        self.cfg, self.run_dir = cfg, Path(run_dir)
        t = cfg.train
        self.placement = distributed.setup(pick_device(t.device))
        self.device, self.main = self.placement.device, self.placement.main
        self.log = log if self.main else (lambda message: None)
        distributed.check_batch_split(t.batch_size, self.placement.world)
        self.folder = RunFolder(self.run_dir, self.placement, self.log)
        self.stopped_by: int | None = None  # the signal that stopped fit(), if one did
        self.folder.take(resume)
        try:
            self._build(cfg, resume, dataset)
        except BaseException:
            self.folder.abandon()
            raise

    def _build(self, cfg: Config, resume: bool, dataset: ImageDataset | None) -> None:
        t = cfg.train
        self.monitor = None
        # the model names the monitor that judges it; checked before any data is loaded
        from couturier.metrics.monitor import MONITORS

        monitor = MONITORS.get(get_model(cfg.model.name).monitor) if t.eval_every else None
        if monitor is not None:
            monitor.check(cfg)
        if t.threads:
            torch.set_num_threads(t.threads)
        torch.manual_seed(t.seed)
        # the model decides what it is conditioned on, and so how its data is read and labelled
        saved = saved_meta(self.run_dir) if resume else None
        self.model, self.dataset = get_model(cfg.model.name).prepare(cfg, dataset, self.log, saved, self.main)
        self.class_names = self.dataset.class_names
        if monitor is not None and self.main:
            self.monitor = monitor.create(cfg, self.dataset, self.model)
        world = self.placement.world
        self.sampler = BatchSampler(self.dataset.to(self.device), t.batch_size // world, t.seed,
                                    self.placement.rank, world)

        self.G, self.D = self.model.build()
        self.G.to(self.device)
        self.D.to(self.device)
        self.cuda = self.device.type == "cuda"
        # NHWC: tensor cores like it, and on 2 CPU cores a step ran faster too (benchmarks/step_cost.py --compare-layout)
        self.G.to(memory_format=torch.channels_last)
        self.D.to(memory_format=torch.channels_last)
        self.G_ema = copy.deepcopy(self.G).eval().requires_grad_(False) if t.ema_decay > 0 else None
        if self.placement.distributed:  # BatchNorm statistics over the global batch, as on one process
            self.G = distributed.convert_sync_batchnorm(self.G, self.device)
            self.D = distributed.convert_sync_batchnorm(self.D, self.device)
        # fused: one kernel for the whole update (CPU too since torch 2.4); the mlp's step is Adam-bound
        self.opt_g = torch.optim.Adam(self.G.parameters(), t.lr_g, betas=(t.beta1, t.beta2), fused=True)
        self.opt_d = torch.optim.Adam(self.D.parameters(), t.lr_d, betas=(t.beta1, t.beta2), fused=True)
        self.loss = get_loss(cfg.loss.name)
        self.policy = parse_policy(resolve_diffaugment(t.diffaugment, len(self.dataset)))
        if t.diffaugment == "auto":
            self.log(f"DiffAugment: {', '.join(self.policy) or 'off'} ({len(self.dataset)} images)")
        native = self.cuda or (self.model.cpu_bfloat16 and native_bfloat16_cpu())
        self.amp_dtype = torch.bfloat16 if t.amp and native else None
        self._wrap_for_training(t.compile)
        self.step, self.elapsed = 0, 0.0
        self.run_id = uuid.uuid4().hex[:12]  # kept on resume: files made from the run (directions) name it
        # every draw of the step comes from here: the seeded stream, continued after the networks' init
        self.noise = Noise.continuing_global(self.placement.rank, self.placement.world, self.device)
        fixed_z, fixed_y = self.model.grid_inputs(t.grid_columns, t.seed, self.dataset)
        self.fixed_z, self.fixed_y = fixed_z.to(self.device), (fixed_y.to(self.device) if fixed_y is not None else None)
        self.grid_labels = self.model.grid_labels(self.dataset)
        self.window = LogWindow()
        self.metrics = MetricsLog(self.run_dir, f"{cfg.model.name}{' (conditional)' if cfg.model.conditional else ''}")
        if resume and has_checkpoint(self.run_dir):  # a run stopped before its first checkpoint starts at 0
            restore_training(self, load_checkpoint(self.run_dir, training_state=True, warn=self.log))
            self.folder.saved_step = self.step
        if resume:
            self.metrics.load(self.step)
            if self.monitor:
                self.monitor.best_fid = self.metrics.best_fid()
                self.monitor.previous = (self.metrics.evaluations() or [None])[-1]
        failure = None
        if self.main:  # on resume too: values changed now are the run's from here on
            try:
                write_text(self.run_dir / "config.json", cfg.to_json())
            except WriteError as exc:
                failure = exc
        self.folder.check_written(failure)

    def _wrap_for_training(self, compile_: bool) -> None:
        """The callables the step uses: G and D under DDP when distributed, compiled if asked.
        G's step calls D itself, without DDP: D is frozen there, so it has no gradients to average."""
        unused = self.model.has_unused_parameters
        g_train = distributed.wrap(self.G, self.placement, find_unused_parameters=unused)
        d_train = distributed.wrap(self.D, self.placement, find_unused_parameters=unused)
        maybe_compile = torch.compile if compile_ else (lambda module: module)
        self.g_forward, self.d_forward = maybe_compile(g_train), maybe_compile(d_train)
        self.d_for_g = maybe_compile(self.D) if self.placement.distributed else self.d_forward
        self.judge = Judging(self.D, self.d_forward, self._augment, maybe_compile)

    # ----- one step -------------------------------------------------------------------------
    def _augment(self, x: torch.Tensor) -> torch.Tensor:
        return diff_augment(x, self.policy, self.noise) if self.policy else x

    def _autocast(self):
        return torch.autocast(self.device.type, dtype=self.amp_dtype, enabled=self.amp_dtype is not None)

    def _d_logits(self, x: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        """D's adversarial logits alone, for the gradient penalties."""
        return as_output(self.d_forward(x, y)).logit

    def train_step(self, step: int, want_stats: bool) -> StepStats:
        t, lc, model = self.cfg.train, self.cfg.loss, self.model
        model.before_step(step, self.G, self.D)
        for k in range(t.d_steps):
            index = step * t.d_steps + k
            real, labels = self.sampler.batch(index)
            y_real = model.real_condition(labels)
            z = self.noise.normal(real.shape[0], self.cfg.model.z_dim, device=self.device)
            y_fake = model.fake_condition(real.shape[0], self.noise, self.sampler.dataset.labels, y_real)
            with self._autocast():
                fake, g_extra = model.generate(self.g_forward, z, y_fake, self.noise, real)
                seen = self.judge.seen(fake)
                real_out, fake_out, negatives = model.discriminator_logits(
                    self.judge, real, y_real, self.judge.for_discriminator(seen), y_fake,
                    lambda: self.sampler.neighbour_labels(index))
                real_logits, fake_logits = real_out.logit, fake_out.logit
                loss_d = self.loss.d_loss(real_logits, negatives)
                if real_out.auxiliary:  # the model's auxiliary task, e.g. attributes of real images
                    loss_d = (loss_d + model.auxiliary_loss(real_out, y_real, "real")
                              + model.auxiliary_loss(fake_out, y_fake, "fake"))
                if self.loss.uses_gradient_penalty:
                    loss_d = loss_d + lc.gp_weight * gradient_penalty(self._d_logits, real, fake, y_real, self.noise)
                if lc.r1_gamma > 0:
                    loss_d = loss_d + 0.5 * lc.r1_gamma * r1_penalty(self._d_logits, real, y_real)
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            grad_norm_d = _grad_norm(self.D) if want_stats else None
            self.opt_d.step()

        self.D.requires_grad_(False)  # G's step needs gradients through D, not for D's weights
        with self._autocast():
            fake_out_g = as_output(self.d_for_g(self.judge.for_generator(seen), y_fake)).float()
            loss_g = self.loss.g_loss(fake_out_g.logit)
            if fake_out_g.auxiliary:  # G must satisfy D's auxiliary task too
                loss_g = loss_g + model.auxiliary_loss(fake_out_g, y_fake, "generator")
            if g_extra is not None:  # the model's own term, e.g. the KL of conditioning augmentation
                loss_g = loss_g + g_extra
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.D.requires_grad_(True)
        grad_norm_g = _grad_norm(self.G) if want_stats else None
        self.opt_g.step()
        if self.G_ema is not None:
            self._update_ema()
        return StepStats(loss_d.detach(), loss_g.detach(),
                         self.loss.score(real_logits.detach()), self.loss.score(fake_logits.detach()),
                         grad_norm_d, grad_norm_g)

    @torch.no_grad()
    def _update_ema(self) -> None:
        # Warm-up: early on the average would be mostly the random initialisation.
        decay = min(self.cfg.train.ema_decay, (1.0 + self.step) / (10.0 + self.step))
        ema_params = list(self.G_ema.parameters())
        torch._foreach_lerp_(ema_params, list(self.G.parameters()), 1.0 - decay)
        for ema_buffer, buffer in zip(self.G_ema.buffers(), self.G.buffers()):
            ema_buffer.copy_(buffer)

    # ----- the loop ---------------------------------------------------------------------------
    def fit(self, progress: bool = True) -> dict:
        """Train until the step or time budget; returns the last logged metrics.

        SIGINT or SIGTERM (on any rank) stops every rank after the same step: rank 0 saves a
        checkpoint there, `stopped_by` holds the signal, and fit returns. A second signal raises
        StopNow at once; an interrupted save leaves the checkpoint before it as it was. The run
        folder's lock is held until fit returns (or `close()`)."""
        self.folder.hold()
        self.stop = GracefulStop()
        try:
            with self.stop:
                return self._fit(progress)
        except StopNow as exc:
            raise StopNow(exc.signum, f"stopped at once at step {self.step}; {self.folder.intact()}") from None
        finally:
            self.close()

    def close(self) -> None:
        """Release the run folder for another trainer."""
        self.folder.release()

    def _fit(self, progress: bool) -> dict:
        t = self.cfg.train
        budget_s = t.minutes * 60 if t.minutes else None
        total_steps = None if budget_s else t.steps
        if total_steps is not None and self.step >= total_steps:
            self.log(f"{self.run_dir} already trained {self.step} steps; raise train.steps to train further")
            return self.metrics.rows[-1] if self.metrics.rows else {}
        bar = progress_bar(total_steps, budget_s, self.step, self.elapsed, progress and self.main)
        self.G.train()
        self.D.train()
        stats, signalled = None, 0
        while not (signalled or (total_steps is not None and self.step >= total_steps)
                   or (budget_s is not None and self.elapsed >= budget_s)):
            tick = time.perf_counter()
            # gradient norms cost a pass over the weights: only on logged steps (and the last one)
            want_stats = (self.step + 1) % t.log_every == 0 or self.step + 1 == total_steps
            stats = self.train_step(self.step, want_stats)
            local = torch.stack([stats.loss_d, stats.loss_g, stats.d_real, stats.d_fake]).float().cpu()
            # means over the ranks, one step time for all and any rank's stop request, so that every
            # rank stops at the same step
            reduced = distributed.mean_over_ranks(
                torch.cat([local, torch.tensor([time.perf_counter() - tick, *self.stop.flags()])]),
                self.placement)
            scalars, seconds = reduced[:4], float(reduced[4])
            if not bool(torch.isfinite(scalars[:2]).all()):
                bar.close()
                raise TrainingDiverged(
                    f"losses became NaN/inf at step {self.step + 1} (D {scalars[0]:.4g}, G {scalars[1]:.4g}); "
                    f"kept the last good checkpoint in {self.run_dir / 'checkpoints'}: lower the learning rates "
                    f"(train.lr_g, train.lr_d) or change loss.name, then resume", field="train.lr_g"
                )
            self.step += 1
            self.window.add(scalars.tolist(), t.batch_size * t.d_steps)
            self.elapsed += seconds
            bar.update(1 if budget_s is None else min(seconds, max(bar.total - bar.n, 0)))
            self._step_outputs(bar, stats, want_stats, progress)
            signalled = signal_of(reduced[5:].tolist()) or (0 if self.placement.distributed else self.stop.signum or 0)
        bar.close()
        self.stopped_by = signalled or None
        self._final_outputs(stats)
        distributed.barrier(self.placement)  # the ranks leave together, after rank 0's last checkpoint
        return self.metrics.rows[-1] if self.metrics.rows and self.main else {}

    def _step_outputs(self, bar, stats: StepStats, want_stats: bool, progress: bool) -> None:
        """What rank 0 writes after a step: the metrics row, grids, an evaluation, a checkpoint.
        The schedule is the same on every rank, so on those steps all ranks learn whether the
        writes worked, and a refused write stops the run on every rank."""
        t = self.cfg.train
        due_eval = bool(t.eval_every) and self.step % t.eval_every == 0
        due_checkpoint = self.step % t.checkpoint_every == 0
        if not (want_stats or self.step % t.sample_every == 0 or due_eval or due_checkpoint):
            return
        failure = None
        if self.main:
            try:
                if want_stats:  # losses and D outputs are means over the window; gradient norms are this step's
                    row = self._log_row(stats)
                    bar.set_postfix(step=self.step, D=f"{row['loss_d']:.3f}", G=f"{row['loss_g']:.3f}",
                                    img_s=f"{row['images_per_s']:.0f}", refresh=False)
                if self.step % t.sample_every == 0:
                    self.write_samples()
                if self.monitor and due_eval:  # a stop asked meanwhile drops the evaluation, not the step
                    self.stop.abandonable(lambda: self.evaluate(bar.write if progress else self.log))
                if due_checkpoint:
                    self.save()
            except WriteError as exc:
                failure = exc
        self.folder.check_written(failure)

    def _final_outputs(self, stats: StepStats | None) -> None:
        """The end of fit: after a stop, the checkpoint first and then the grid; after the budget, the
        last row, grid and evaluation, then the checkpoint."""
        failure = None
        if self.main:
            try:
                if self.stopped_by is None:
                    if self.window.steps:  # the steps since the last row, so that even a short run has its row
                        self._log_row(stats)
                    self.write_samples()
                    evaluated = self.metrics.evaluations()
                    if self.monitor and (not evaluated or evaluated[-1]["step"] != self.step):
                        self.stop.abandonable(lambda: self.evaluate(self.log))
                if self.folder.saved_step != self.step:
                    self.save()
                if self.stopped_by is not None:
                    self.write_samples()
            except WriteError as exc:
                failure = exc
        self.folder.check_written(failure)

    def _log_row(self, stats: StepStats) -> dict:
        row = {"step": self.step, "images_per_s": round(self.window.images_per_s(), 1),
               "elapsed_s": round(self.elapsed, 2), **self.window.means()}
        if stats.grad_norm_d is not None:  # a time budget's last step is not known to be last in advance
            row.update(grad_norm_d=float(stats.grad_norm_d), grad_norm_g=float(stats.grad_norm_g))
        row = {k: round(v, 5) if isinstance(v, float) else v for k, v in row.items()}
        self.metrics.append(row)
        self.window.reset()
        return row

    # ----- outputs ----------------------------------------------------------------------------
    def evaluate(self, say: Callable[[str], None] = print) -> dict:
        """Judge the sampling generator now: metrics into metrics.csv and metric_curves.png,
        its weights into best/ when its FID is the lowest so far, a warning on mode collapse."""
        images, requested = self.monitor.samples(self.sampling_generator(), self.cfg.model.z_dim,
                                                 self.model.num_classes, self.device)
        results = self.monitor.evaluate(images, requested)
        self.metrics.record_evaluation(self.step, results)
        say(f"step {self.step}: {self.monitor.summary(results)}"
            + (f"  ** {results['warning']} **" if results["warning"] else "")
            + ("  (best so far)" if results["is_best"] else ""))
        if results["is_best"]:
            self.save_best(results["fid"])
        return results

    def save_best(self, fid: float) -> Path:
        """best/: the sampling generator's weights alone, a checkpoint `couturier sample` reads."""
        prefix = "G_ema" if self.G_ema is not None else "G"
        tensors = flatten_state(prefix, self.sampling_generator().state_dict())
        meta = {**self.model.meta(), "fid": fid, "run_id": self.run_id}
        return write_checkpoint_folder(self.run_dir / "best", Checkpoint(self.step, self.cfg.to_dict(), tensors, meta))

    def sampling_generator(self) -> torch.nn.Module:
        return self.G_ema if self.G_ema is not None else self.G

    @torch.no_grad()
    def write_samples(self) -> Path:
        generator = self.sampling_generator()
        was_training = generator.training
        generator.eval()
        images = to_uint8(generator(self.fixed_z, self.fixed_y))
        generator.train(was_training)
        path = self.run_dir / "samples" / f"step-{self.step:08d}.png"
        for where in (path, self.run_dir / "samples.png"):
            save_grid(images, where, self.cfg.train.grid_columns, scale=2, row_labels=self.grid_labels)
        self.metrics.plot()
        return path

    def save(self) -> Path:
        """A checkpoint of the whole training state (see couturier.train.state)."""
        path = save_checkpoint(self.run_dir / "checkpoints", training_checkpoint(self), self.cfg.train.keep_checkpoints)
        self.folder.saved_step = self.step
        return path
