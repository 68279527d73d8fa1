"""The API's routes, one router per area; create_app includes them all."""
from couturier.serve.routes import generate, models, people, style, trends

AREAS = (models, generate, style, people, trends)
