"""
Practice conversations (情景模拟 / 模拟演练): a scripted customer who answers back.

- `engine`: pure functions, no database: which rule of a customer turn a reply fires, where
  the conversation goes next, how the customer's mood moves; and the graph's checks (dead
  ends, unreachable turns) the CMS refuses a simulation on.
- `scoring`: the three QA dimensions (质检三维度) and the 30-second standard, also pure.
- `diagram`: the graph as a server-rendered SVG for the trainer's preview.
- `selectors` / `services`: reads and writes, the way the rest of the academy does them.
"""
