"""people/models.py: the pretrained person networks, run by LiteRT from the mediapipe wheel's files."""
import subprocess
import sys


def test_building_a_network_prints_nothing_above_a_commands_own_lines():
    """LiteRT's C++ announced its CPU delegate on stderr ("INFO: Created TensorFlow Lite XNNPACK
    delegate for CPU.") above every `try-on` result and every one-line error."""
    program = ("from couturier.people.models import interpreter\n"
               "interpreter('face'); interpreter('pose')\n"
               "import sys; print('after', file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "after", done.stderr
