"""couturier/directions/latent.py: a text run steered in its noise and in its words."""
import numpy as np
import torch

from couturier import directions as steer
from couturier import sampling
from couturier.directions import latent, runs


def test_a_prompt_is_drawn_as_written_until_a_direction_moves_its_words(text_run):
    loaded = sampling.load_generator(text_run)
    steered = latent.steerable(loaded)
    assert set(steered.spaces) == {"noise", "words"} and latent.steerable(loaded) is steered  # found once
    z = sampling.latents(3, loaded.config.model.z_dim, 7)
    prompts = ("a red dress for women", "blue jeans for men", "white sneakers")
    drawn = runs.condition(loaded, z, prompts)
    with torch.no_grad():
        as_written = loaded.generator(z, sampling.encode_prompts(loaded, list(prompts)))
        assert torch.allclose(steered.generator(drawn.z, drawn.y), as_written, atol=1e-5)
    words = steered.spaces["words"].columns
    assert torch.equal(drawn.z[:, :words.start], z)  # the noise is the seed's
    moved = drawn.z.clone()
    moved[:, words.start] += 3.0
    with torch.no_grad():
        assert not torch.allclose(steered.generator(moved, drawn.y), as_written, atol=1e-3)


def test_the_catalogues_looks_spread_one_unit_along_each_axis_of_the_words(text_run):
    loaded = sampling.load_generator(text_run)
    words = latent.steerable(loaded).words
    u, rest = words.split(torch.as_tensor(loaded.model.grounder.embeddings).float())
    assert np.allclose(u.mean(0).numpy(), 0, atol=1e-4) and np.allclose(u.std(0).numpy(), 1, atol=0.05)
    assert u.shape[1] <= latent.WORDS_AXES and torch.allclose(words.text(torch.cat([torch.zeros(len(u), words.z_dim),
                                                                                     u], 1), rest),
                                                              torch.as_tensor(loaded.model.grounder.embeddings).float(),
                                                              atol=1e-5)


def test_the_words_sefa_directions_move_the_first_layer_more_than_random_words(text_run):
    """SeFa's view of the words is linear through the code's mean: with the code's noise off, its
    strongest direction of the words moves the first layer more than random directions of them."""
    loaded = sampling.load_generator(text_run)
    steered = latent.steerable(loaded)
    space = steered.spaces["words"]
    found = steer.find("sefa", steered.generator, 2, space=space)
    assert all(d.space == "words" and not d.vector[:space.columns.start].any() for d in found)
    loaded.generator.code_spread = 0.0  # the code at its mean: the first layer is linear in the words
    drawn = runs.samples(loaded, 16, 0)

    def moved(vector):
        with torch.no_grad():
            before = steered.generator.early_features(drawn.z, drawn.y)
            shifted = drawn.z + torch.as_tensor(vector)
            return float((steered.generator.early_features(shifted, drawn.y) - before).norm())

    rng = np.random.default_rng(0)
    chance = []
    for vector in rng.normal(size=(20, space.columns.stop - space.columns.start)):
        whole = np.zeros(steered.dim, dtype=np.float32)
        whole[space.columns] = vector / np.linalg.norm(vector)
        chance.append(moved(whole))
    assert moved(found[0].vector) > np.median(chance)


def test_an_image_run_is_steered_in_its_noise_alone(conditional_run):
    loaded = sampling.load_generator(conditional_run)
    steered = latent.steerable(loaded)
    assert steered.generator is loaded.generator and list(steered.spaces) == ["noise"]
    assert steered.dim == loaded.config.model.z_dim and steered.steered.name == "noise"


def test_a_walk_in_the_words_climbs_its_judge_and_leaves_the_noise_where_it_was(text_run):
    loaded = sampling.load_generator(text_run)
    steered = latent.steerable(loaded)
    words = steered.spaces["words"]
    redness = lambda x: (x[:, 0] - x[:, 1:].mean(1)).mean((1, 2))  # noqa: E731  (differentiable, like a log p)
    drawn = runs.samples(loaded, 24, 5)
    walked = steer.walk(steered.generator, drawn.z, drawn.y, redness, 2.0, words)
    assert torch.equal(walked[:, :words.columns.start], drawn.z[:, :words.columns.start])
    never_falls, rises = steer.monotone_share(steered.generator, drawn.z, drawn.y,
                                              lambda x: redness(x).numpy(), log_probability=redness, space=words)
    assert never_falls >= 0.9 and rises >= 0.9


def test_the_best_method_reads_the_noise_with_sefa_and_the_words_with_ganspace(text_run):
    loaded = sampling.load_generator(text_run)
    steered = latent.steerable(loaded)
    fitted_on = runs.varied(loaded, 200, 0)
    found = {name: steer.find("best", steered.generator, 2, fitted_on.z, fitted_on.y, space)
             for name, space in steered.spaces.items()}
    assert {d.method for d in found["noise"]} == {"sefa"} and {d.method for d in found["words"]} == {"ganspace"}
    assert [key for key, _ in runs.ids(found["noise"] + found["words"])] == [
        "sefa-1", "sefa-2", "ganspace-words-1", "ganspace-words-2"]
