"""Olah's essay, reproduced: the steps and their experiments (:mod:`.tour`), the prose (:mod:`.text`)
and the one offline page (:mod:`.page`)."""
