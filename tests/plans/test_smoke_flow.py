from shuangsuiji.drawengine import verify_record
from shuangsuiji.plans import engine


def test_the_three_annex_tasks_draw_and_verify(office, plan):
    from shuangsuiji.plans.draws import freeze_announcement, reveal_draw

    for task in plan.tasks.order_by("number"):
        draw = freeze_announcement(
            office,
            task,
            code=f"T-{task.number}",
            beacon_source=f"骰子 T-{task.number}",
            beacon_kind="lottery",
        )
        draw = reveal_draw(office, draw, beacon="3 1 4 1 5")
        pool, conflicts = engine.frozen_inputs(draw)
        verify_record(draw.record, pool=pool, conflicts=conflicts)
        print(
            task.number,
            {k: (v["population"], v["sample_size"]) for k, v in draw.record["strata"].items()},
        )
        print(draw.record["assignment"]["teams"])
