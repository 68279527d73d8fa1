"""The API's routes, one router per area; create_app includes them all."""
from couturier.serve.routes import directions, generate, models, people, style, trends

AREAS = (models, generate, directions, style, people, trends)
