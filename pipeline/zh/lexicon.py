"""Chinese words of UN resolutions: organs, committees, the verbs that open paragraphs.

Simplified characters: traditional texts are processed through their simplified view.
"""

from __future__ import annotations

import re

GA, HRC, SC = "General Assembly", "Human Rights Council", "Security Council"
ECOSOC, TC = "Economic and Social Council", "Trusteeship Council"
CHR = "Commission on Human Rights"
SUB = "Sub-Commission on the Promotion and Protection of Human Rights"

#: Organs as they stand in an enacting formula or before a session or citation.
ORGANS: dict[str, str] = {
    "大会": GA,
    "联合国大会": GA,
    "人权理事会": HRC,
    "安全理事会": SC,
    "安理会": SC,
    "经济及社会理事会": ECOSOC,
    "经济暨社会理事会": ECOSOC,
    "经社理事会": ECOSOC,
    "托管理事会": TC,
    "人权委员会": CHR,
    "促进和保护人权小组委员会": SUB,
    "小组委员会": SUB,
}
#: Organ names that open an enacting formula (the full names; 安理会 never does).
FORMULA_ORGANS = (
    "联合国大会",
    "大会",
    "人权理事会",
    "安全理事会",
    "经济及社会理事会",
    "经济暨社会理事会",
    "托管理事会",
    "人权委员会",
)
ORGAN_ALTERNATION = "|".join(sorted(FORMULA_ORGANS, key=len, reverse=True))

COMMITTEES: dict[str, str] = {
    "第一委员会": "First Committee",
    "第二委员会": "Second Committee",
    "第三委员会": "Third Committee",
    "第四委员会": "Fourth Committee",
    "第五委员会": "Fifth Committee",
    "第六委员会": "Sixth Committee",
    "特别政治委员会": "Special Political Committee",
    "特别政治和非殖民化委员会": "Special Political and Decolonization Committee",
    "特设政治委员会": "Ad Hoc Political Committee",
}
COMMITTEE_ALTERNATION = "|".join(sorted(COMMITTEES, key=len, reverse=True))

#: Verbs that open an operative paragraph and never a preambular one.
OPERATIVE_OPENERS = re.compile(
    r"^(?:爰|兹|并)?(?:议决|决议|决定|请|吁请|促请|敦促|要求|建议|授权|宣布|宣告|核准|赞同|呼吁|责成|指派|邀请|谴责|强烈谴责|"
    r"再次要求|又请|还请|又决定|还决定|着即)"
)
#: Words that open a preambular paragraph and never an operative one.
PREAMBLE_OPENERS = re.compile(
    r"^(?:兹|并|又|还|再次|深为|特别)?(?:鉴于|鉴及|回顾|覆按|复查|备悉|注意到|认识到|意识到|铭记|考虑到|深信|深切关注|深为关切|关切|"
    r"审议了|听取了|业已|业经|承认|切望|特别注意|阅悉|接获|确信|深感|获悉|忆及|作为)"
)
#: Words that open a paragraph of either part: a line opening so after a paragraph that does not
#: end as one is nevertheless a new paragraph (``鉴于…又`` / ``鉴于…``).
PARAGRAPH_OPENERS = re.compile(
    PREAMBLE_OPENERS.pattern
    + "|"
    + OPERATIVE_OPENERS.pattern
    + r"|^(?:兹|并|又|还|再次|因此|深为|特别)?(?:重申|欢迎|申明|确认|强调|认为|赞赏|表示|注意|同意|支持|感谢|赞扬|敦促)"
)
#: What opens an annex of the resolution (its articles are not operative paragraphs).
ANNEX = re.compile(r"^(?:附件|附录)(?:[一二三四五六七八九十\dIVX]+)?$")
#: How a preambular paragraph ends; an operative one; any complete paragraph.
PREAMBLE_END = frozenset("，,")
OPERATIVE_END = frozenset("；;。.：:")
TERMINAL = PREAMBLE_END | OPERATIVE_END | frozenset("！？!?")
#: Units after which a number is a quantity, not a footnote marker (``45天``, ``第21段``).
UNITS = frozenset("年月日号號次届屆个個名人票条條段项項章节節页頁卷份天周週岁歲%％时时分秒倍万亿千百十元美种類类国國")
