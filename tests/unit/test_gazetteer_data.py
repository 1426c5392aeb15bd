"""The generated and hand-kept reference data in ``pipeline/_data``."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.zh._data import member_states, organizations
from pipeline.zh._data.t2s import T2S

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_script_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _surface_owners() -> dict[str, list[str]]:
    owners: dict[str, list[str]] = {}
    for key, _canonical, _status, surfaces in member_states.STATES:
        for surface, _short in surfaces:
            owners.setdefault(surface, []).append(key)
    return owners


def _state(surface: str) -> tuple[str, str, str, dict[str, bool]]:
    for key, canonical, status, surfaces in member_states.STATES:
        if surface in dict(surfaces):
            return key, canonical, status, dict(surfaces)
    raise KeyError(surface)


class TestMemberStates:
    def test_counts_by_status(self) -> None:
        """193 members, 2 observer states and 2 other states."""
        statuses = [status for _key, _canonical, status, _surfaces in member_states.STATES]
        assert len(statuses) == 197
        assert statuses.count("member") == 193
        assert statuses.count("observer") == 2
        assert statuses.count("other") == 2
        assert {_state("罗马教廷")[2], _state("巴勒斯坦国")[2]} == {"observer"}
        assert {_state("库克群岛")[2], _state("纽埃")[2]} == {"other"}

    def test_keys_unique_and_markers_stripped(self) -> None:
        """English keys are unique and no name keeps the ``*``/``**`` marker."""
        keys = [key for key, *_ in member_states.STATES]
        assert len(set(keys)) == len(keys)
        names = [*keys, *(s for _k, _c, _st, surfaces in member_states.STATES for s, _ in surfaces)]
        assert not [name for name in names if "*" in name or name != name.strip()]

    def test_every_surface_names_one_state(self) -> None:
        """No surface form is shared by two states."""
        shared = {surface: keys for surface, keys in _surface_owners().items() if len(keys) > 1}
        assert shared == {}

    def test_canonical_is_a_short_surface(self) -> None:
        """Each canonical name is one of its state's surfaces, marked as a short form."""
        for key, canonical, _status, surfaces in member_states.STATES:
            assert dict(surfaces).get(canonical) is True, key

    def test_misspelling_maps_to_dprk(self) -> None:
        """朝鲜民主主义共和国 (人民 missing) is an alias of 朝鲜民主主义人民共和国."""
        _key, canonical, _status, surfaces = _state("朝鲜民主主义共和国")
        assert canonical == "朝鲜民主主义人民共和国"
        assert surfaces["朝鲜民主主义共和国"] is False
        assert _state("朝鲜")[1] == "朝鲜民主主义人民共和国"

    def test_netherlands_old_and_new_short_names(self) -> None:
        """荷兰王国 and 荷兰 name the same state and both are short forms."""
        key, canonical, _status, surfaces = _state("荷兰王国")
        assert key == _state("荷兰")[0] == "Netherlands (the)"
        assert canonical == "荷兰"
        assert surfaces["荷兰王国"] is True
        assert surfaces["荷兰"] is True

    @pytest.mark.parametrize(
        ("surface", "canonical"),
        [
            ("波斯尼亚和黑塞哥维那", "波斯尼亚和黑塞哥维那"),
            ("大不列颠及北爱尔兰联合王国", "大不列颠及北爱尔兰联合王国"),
            ("英国", "大不列颠及北爱尔兰联合王国"),
            ("美国", "美利坚合众国"),
            ("韩国", "大韩民国"),
            ("俄罗斯", "俄罗斯联邦"),
            ("刚果(布)", "刚果(布)"),
            ("刚果（布）", "刚果(布)"),
            ("刚果(金)", "刚果民主共和国"),
            ("刚果（金）", "刚果民主共和国"),
            ("土耳其", "土耳其"),
            ("Türkiye", "土耳其"),
            ("捷克共和国", "捷克"),
            ("埃斯瓦蒂尼", "斯威士兰"),
            ("前南斯拉夫的马其顿共和国", "北马其顿"),
            ("中华人民共和国", "中国"),
        ],
    )
    def test_surface_names(self, surface: str, canonical: str) -> None:
        """Short names, formal names and aliases resolve to the canonical short name."""
        assert _state(surface)[1] == canonical

    def test_blockers(self) -> None:
        """Required blockers are present, unique, and none is itself a state's name."""
        blockers = member_states.BLOCKERS
        assert {"朝鲜半岛", "发展中国家", "中国家", "朝韩"} <= set(blockers)
        assert len(set(blockers)) == len(blockers)
        assert not set(blockers) & set(_surface_owners())

    def test_generated_module_is_up_to_date(self) -> None:
        """Rendering data/unterm_names.csv gives the committed pipeline/zh/_data/member_states.py."""
        build = _script("build_gazetteer")
        csv_text = (ROOT / "data" / "unterm_names.csv").read_text(encoding="utf-8")
        committed = (ROOT / "pipeline" / "zh" / "_data" / "member_states.py").read_text(encoding="utf-8")
        assert build.render(csv_text) == committed


class TestOrganizations:
    REQUIRED = (
        "联合国",
        "大会",
        "安全理事会",
        "经济及社会理事会",
        "托管理事会",
        "国际法院",
        "秘书处",
        "第一委员会",
        "第二委员会",
        "第三委员会",
        "第四委员会",
        "第五委员会",
        "第六委员会",
        "人权理事会",
        "人权委员会",
        "促进和保护人权小组委员会",
        "防止歧视和保护少数小组委员会",
        "联合国人权事务高级专员办事处",
        "特别程序协调委员会",
        "普遍定期审议工作组",
        "人权事务委员会",
        "经济、社会及文化权利委员会",
        "消除种族歧视委员会",
        "消除对妇女歧视委员会",
        "禁止酷刑委员会",
        "儿童权利委员会",
        "移徙工人问题委员会",
        "残疾人权利委员会",
        "强迫失踪问题委员会",
        "防范酷刑小组委员会",
        "强迫或非自愿失踪问题工作组",
        "任意拘留问题工作组",
        "联合国儿童基金会",
        "联合国开发计划署",
        "世界粮食计划署",
        "联合国粮食及农业组织",
        "世界卫生组织",
        "联合国人口基金",
        "联合国难民事务高级专员办事处",
        "国际劳工组织",
        "联合国教育、科学及文化组织",
        "国际移民组织",
        "联合国促进性别平等和增强妇女权能署",
        "联合国毒品和犯罪问题办公室",
        "人道主义事务协调厅",
        "联合国环境规划署",
        "世界银行",
        "国际货币基金组织",
        "世界贸易组织",
        "国际原子能机构",
        "联合国艾滋病毒/艾滋病联合规划署",
        "联合国国家工作队",
        "国际刑事法院",
        "欧洲联盟",
        "非洲联盟",
        "东南亚国家联盟",
        "伊斯兰合作组织",
        "阿拉伯国家联盟",
        "红十字国际委员会",
    )
    ALIASES = (
        ("安理会", "安全理事会"),
        ("经社理事会", "经济及社会理事会"),
        ("联合国秘书处", "秘书处"),
        ("特别政治和非殖民化委员会", "第四委员会"),
        ("人权高专办", "联合国人权事务高级专员办事处"),
        ("高级专员办事处", "联合国人权事务高级专员办事处"),
        ("经济、社会和文化权利委员会", "经济、社会及文化权利委员会"),
        ("难民署", "联合国难民事务高级专员办事处"),
        ("联合国妇女署", "联合国促进性别平等和增强妇女权能署"),
        ("促进性别平等和增强妇女权能署", "联合国促进性别平等和增强妇女权能署"),
    )

    @staticmethod
    def _owners() -> dict[str, list[str]]:
        owners: dict[str, list[str]] = {}
        for _english, canonical, aliases in organizations.ORGANIZATIONS:
            for surface in (canonical, *aliases):
                owners.setdefault(surface, []).append(canonical)
        return owners

    def test_required_bodies_present(self) -> None:
        """The bodies the pipeline must recognise are canonical names."""
        canonicals = {canonical for _english, canonical, _aliases in organizations.ORGANIZATIONS}
        assert set(self.REQUIRED) - canonicals == set()
        assert 80 <= len(organizations.ORGANIZATIONS) <= 120

    def test_aliases(self) -> None:
        """Short forms resolve to their canonical body."""
        owners = self._owners()
        for alias, canonical in self.ALIASES:
            assert owners[alias] == [canonical], alias

    def test_surfaces_unique(self) -> None:
        """Every surface names one organization; English names are unique."""
        assert {s: c for s, c in self._owners().items() if len(c) > 1} == {}
        english = [english for english, _canonical, _aliases in organizations.ORGANIZATIONS]
        assert len(set(english)) == len(english)

    def test_roles_and_generic_words_left_out(self) -> None:
        """Offices held by people and generic words are not organizations."""
        owners = self._owners()
        for word in ("秘书长", "联合国人权事务高级专员", "理事会", "委员会", "小组委员会", "特别报告员"):
            assert word not in owners, word

    def test_blockers(self) -> None:
        """Assemblies of other bodies are blocked, and no blocker is an organization's name."""
        blockers = set(organizations.BLOCKERS)
        assert {"缔约国大会", "缔约国会议"} <= blockers
        assert len(blockers) == len(organizations.BLOCKERS)
        assert not blockers & set(self._owners())

    def test_no_overlap_with_state_names(self) -> None:
        """No string is both a state's and an organization's surface."""
        assert not set(self._owners()) & set(_surface_owners())


class TestT2S:
    def test_translate(self) -> None:
        """str.translate converts traditional to simplified characters."""
        assert "聯合國大會決議".translate(T2S) == "联合国大会决议"
        assert "人權理事會".translate(T2S) == "人权理事会"

    def test_one_code_point_to_one(self) -> None:
        """Every entry maps one code point to a different single code point."""
        assert len(T2S) > 3000
        assert all(isinstance(k, int) and isinstance(v, int) and k != v for k, v in T2S.items())

    def test_simplified_text_unchanged(self) -> None:
        """Simplified text passes through unchanged."""
        text = "朝鲜民主主义人民共和国人权状况，联合国人权事务高级专员办事处"
        assert text.translate(T2S) == text
