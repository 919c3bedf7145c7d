"""Background jobs (django_tasks, run by `manage.py db_worker`): thin adapters over services.

Each takes ids, never objects, is enqueued after commit, and lets the service decide: running a
job twice, or after another worker already did the work, changes nothing twice.
"""

from __future__ import annotations

from django_tasks import task

from campaigns.services import ideas, kie_client, polling, prompts


@task()
def generate_ideas_task(batch_id: int) -> None:
    ideas.run_idea_batch(batch_id, client=kie_client.for_worker())


@task()
def write_prompt_task(prompt_id: int) -> None:
    prompts.run_prompt(prompt_id, client=kie_client.for_worker())


@task()
def refresh_video_task(task_id: int) -> None:
    """Re-fetch a task's status from Kie now (a callback said something happened)."""
    polling.refresh_claimed(task_id, client=kie_client.for_worker())
