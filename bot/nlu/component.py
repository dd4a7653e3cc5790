"""The topic model as a Rasa 3.6 intent classifier (named in config.yml as bot.nlu.component.TopicClassifier).

Rasa imports this module when it reads config.yml; nothing else in the bot imports it.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.model import Settings, TopicModel

#: How many intents the ranking keeps (Rasa's default for its classifiers).
RANKING_LENGTH = 10


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TopicClassifier(GraphComponent, IntentClassifier):
    """Ranks a message's intents with the stem + character n-gram logistic regression of bot.nlu.model."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return dict(Settings().__dict__)

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: TopicModel | None = None) -> None:
        self._storage = model_storage
        self._resource = resource
        self._settings = Settings(**{k: config[k] for k in Settings().__dict__ if k in config})
        self._model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TopicClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TopicClassifier:
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource, TopicModel.load(directory))

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the model on the intent examples and store it in the model archive."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        self._model = TopicModel(self._settings).fit([e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples])
        with self._storage.write_to(self._resource) as directory:
            self._model.save(directory)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Set each message's intent and intent ranking."""
        if self._model is None:
            return messages
        for message in messages:
            ranking = [{"name": name, "confidence": confidence}
                       for name, confidence in self._model.rank(message.get(TEXT) or "")[:RANKING_LENGTH]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
