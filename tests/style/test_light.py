"""style/light.py: a garment's folds and light, without what it is made of."""
import numpy as np
import torch

from couturier.style.drape import shading
from couturier.style.light import garment_light


def test_the_new_garment_takes_the_old_ones_folds_not_its_darkness():
    old = np.zeros((160, 120), bool)
    old[20:140, 30:90] = True
    luma = np.ones((160, 120), np.float32)  # a white wall
    luma[20:80, 30:90] = 0.1  # a black top
    luma[80:140, 30:90] = 0.5  # jeans the upper garment ran into
    luma[90:140, 56:64] = 0.3  # a fold down the jeans
    photo = np.repeat((luma * 255).round().astype(np.uint8)[..., None], 3, axis=2)
    light = garment_light(photo, old)
    assert 0.9 < light[45, 60] < 1.1 and 0.9 < light[115, 40] < 1.1  # neither black nor denim darkens it
    assert light[115, 60] < 0.85 * light[115, 40]  # the fold does
    assert light[5, 5] == 1.0  # outside the old garment: no light of its own


def test_what_the_old_garments_outline_took_of_another_fabric_lends_no_shadow():
    """A beige camisole whose outline ran a little into the blue jeans below it: the new garment is
    lit as the camisole is (evenly), not darkened where the jeans were."""
    old = np.zeros((160, 120), bool)
    old[20:120, 30:90] = True
    photo = np.full((160, 120, 3), 245, np.uint8)
    photo[20:104] = (222, 190, 160)  # the camisole
    photo[104:160] = (60, 80, 130)  # jeans
    light = garment_light(photo, old)
    assert 0.9 < light[old].min() and light[old].max() < 1.1, (light[old].min(), light[old].max())


def test_the_drape_lights_a_printed_garment_by_its_folds_not_by_its_print():
    """A pale shirt with a large black motif on its chest and a fold down one side: the fabric put
    on it darkens along the fold, not where the motif was (it had shown through as a dark ghost)."""
    photo = np.full((160, 120, 3), 250, np.uint8)
    photo[20:140, 30:90] = (200, 215, 235)  # a pale blue shirt
    photo[50:90, 45:75] = (20, 20, 20)  # its black motif
    photo[20:140, 76:84] = (120, 130, 145)  # a fold in its shadow
    mask = np.zeros((160, 120), np.float32)
    mask[20:140, 30:90] = 1.0
    content = torch.from_numpy(photo).permute(2, 0, 1)[None].float() / 255
    light = shading(content, torch.from_numpy(mask)[None, None])[0, 0].numpy()
    assert 0.85 < light[70, 60] < 1.15  # where the motif was
    assert light[100, 80] < 0.85 * light[100, 60]  # the fold


def test_a_grey_t_shirts_white_lettering_lends_no_glow():
    """White letters on a grey T-shirt have its (lack of) chroma, so the chroma test let them in, and
    the new fabric glowed where they were. Brighter than folds and sheen make the grey around them,
    they are print: the light there is read from around them."""
    photo = np.full((320, 240, 3), 250, np.uint8)
    photo[40:300, 50:190] = (140, 135, 126)  # a grey T-shirt
    for top in (120, 140):
        photo[top:top + 10, 70:170] = (248, 248, 246)  # two lines of white lettering
    old = np.zeros((320, 240), bool)
    old[40:300, 50:190] = True
    light = garment_light(photo, old)
    assert 0.95 < light[125, 120] < 1.05 and 0.95 < light[220, 120] < 1.05, (light[125, 120], light[220, 120])


def test_a_prints_blurred_rim_on_a_white_t_shirt_lends_no_shadow():
    """A coloured motif on a white T-shirt, its edge blended with the white over a few pixels (an
    enlarged catalogue photo): of nearly the cloth's chroma but darker, the rim had been read as
    folds, and the new fabric showed the motif's ghost."""
    from scipy import ndimage

    photo = np.full((320, 240, 3), 250, np.float32)
    photo[40:300, 50:190] = 240  # the white T-shirt
    motif = np.zeros((320, 240), np.float32)
    motif[100:200, 85:155] = 1.0
    motif = ndimage.gaussian_filter(motif, 4)  # its edge blended with the cloth
    photo = photo * (1 - motif[..., None]) + np.array([70, 40, 90], np.float32) * motif[..., None]  # dark purple
    old = np.zeros((320, 240), bool)
    old[40:300, 50:190] = True
    light = garment_light(photo.round().astype(np.uint8), old)
    assert light[old].min() > 0.93, light[old].min()  # was 0.81 round the motif


def test_small_dots_all_over_a_white_shirt_lend_no_shadow_either():
    """Dark dots with blended rims every 24 pixels: round each the rim is dropped, and what is left
    of the cloth between them still lights the new fabric evenly."""
    from scipy import ndimage

    photo = np.full((320, 240, 3), 250, np.float32)
    photo[40:300, 50:190] = 240
    dots = np.zeros((320, 240), np.float32)
    dots[40:300:24, 50:190:24] = 1
    dots = ndimage.gaussian_filter(ndimage.binary_dilation(dots, iterations=2).astype(np.float32), 1.5)
    photo = photo * (1 - dots[..., None]) + np.array([70, 40, 90], np.float32) * dots[..., None]
    old = np.zeros((320, 240), bool)
    old[40:300, 50:190] = True
    light = garment_light(photo.round().astype(np.uint8), old)
    assert light[60:280, 70:170].min() > 0.99  # was 0.97 at the dots
