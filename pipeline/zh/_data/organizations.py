"""UN organs, subsidiary bodies, agencies, funds and programmes, and other organizations.

Hand-kept. Names are written as in official Chinese UN documents (simplified characters). The
canonical name is the value reported; aliases are short forms and other spellings seen in UN
texts. Matching is leftmost-longest, so longer names (联合国儿童基金会) win over the names inside
them (联合国), and ``BLOCKERS`` swallow strings that contain a body's name without naming it
(缔约国大会 is not the General Assembly). Offices held by people (秘书长, 联合国人权事务高级专员,
特别报告员) and generic words (理事会, 委员会, 小组委员会) are deliberately not listed.
"""

#: (english_name, canonical_chinese_name, (aliases...))
ORGANIZATIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # The United Nations and its principal organs
    ("United Nations", "联合国", ()),
    ("General Assembly", "大会", ("联合国大会",)),
    ("Security Council", "安全理事会", ("安理会", "联合国安全理事会", "联合国安理会")),
    ("Economic and Social Council", "经济及社会理事会", ("经社理事会", "联合国经济及社会理事会")),
    ("Trusteeship Council", "托管理事会", ()),
    ("International Court of Justice", "国际法院", ("联合国国际法院",)),
    ("Secretariat", "秘书处", ("联合国秘书处",)),
    # Main Committees of the General Assembly
    ("First Committee", "第一委员会", ()),
    ("Second Committee", "第二委员会", ()),
    ("Third Committee", "第三委员会", ("社会、人道主义和文化委员会",)),
    ("Fourth Committee", "第四委员会", ("特别政治和非殖民化委员会",)),
    ("Fifth Committee", "第五委员会", ("行政和预算委员会",)),
    ("Sixth Committee", "第六委员会", ()),
    # Other subsidiary bodies and functional commissions
    ("International Law Commission", "国际法委员会", ()),
    ("Peacebuilding Commission", "建设和平委员会", ()),
    ("Counter-Terrorism Committee", "反恐怖主义委员会", ()),
    ("Commission on the Status of Women", "妇女地位委员会", ()),
    ("Commission for Social Development", "社会发展委员会", ()),
    ("Commission on Population and Development", "人口与发展委员会", ()),
    ("Commission on Narcotic Drugs", "麻醉药品委员会", ()),
    ("Commission on Crime Prevention and Criminal Justice", "预防犯罪和刑事司法委员会", ()),
    ("International Narcotics Control Board", "国际麻醉品管制局", ("麻管局",)),
    # Human rights bodies
    ("Human Rights Council", "人权理事会", ("联合国人权理事会",)),
    ("Commission on Human Rights", "人权委员会", ("联合国人权委员会",)),
    ("Human Rights Council Advisory Committee", "人权理事会咨询委员会", ()),
    (
        "Sub-Commission on the Promotion and Protection of Human Rights",
        "促进和保护人权小组委员会",
        ("增进和保护人权小组委员会",),
    ),
    (
        "Sub-Commission on Prevention of Discrimination and Protection of Minorities",
        "防止歧视和保护少数小组委员会",
        (),
    ),
    (
        "Office of the United Nations High Commissioner for Human Rights",
        "联合国人权事务高级专员办事处",
        ("人权高专办", "高级专员办事处", "人权事务高级专员办事处"),
    ),
    ("Coordination Committee of Special Procedures", "特别程序协调委员会", ()),
    ("Working Group on the Universal Periodic Review", "普遍定期审议工作组", ()),
    ("Working Group on Enforced or Involuntary Disappearances", "强迫或非自愿失踪问题工作组", ()),
    ("Working Group on Arbitrary Detention", "任意拘留问题工作组", ()),
    # Human rights treaty bodies
    ("Human Rights Committee", "人权事务委员会", ()),
    (
        "Committee on Economic, Social and Cultural Rights",
        "经济、社会及文化权利委员会",
        ("经济、社会和文化权利委员会", "经济社会文化权利委员会"),
    ),
    ("Committee on the Elimination of Racial Discrimination", "消除种族歧视委员会", ()),
    ("Committee on the Elimination of Discrimination against Women", "消除对妇女歧视委员会", ()),
    ("Committee against Torture", "禁止酷刑委员会", ()),
    (
        "Subcommittee on Prevention of Torture",
        "防范酷刑小组委员会",
        ("防范酷刑和其他残忍、不人道或有辱人格的待遇或处罚小组委员会",),
    ),
    ("Committee on the Rights of the Child", "儿童权利委员会", ()),
    (
        "Committee on Migrant Workers",
        "移徙工人问题委员会",
        ("保护所有移徙工人及其家庭成员权利委员会",),
    ),
    ("Committee on the Rights of Persons with Disabilities", "残疾人权利委员会", ()),
    ("Committee on Enforced Disappearances", "强迫失踪问题委员会", ()),
    # Funds, programmes, offices and departments
    ("United Nations Children's Fund", "联合国儿童基金会", ("儿童基金会", "儿基会")),
    ("United Nations Development Programme", "联合国开发计划署", ("开发计划署", "开发署")),
    ("World Food Programme", "世界粮食计划署", ("粮食计划署", "粮食署")),
    ("United Nations Population Fund", "联合国人口基金", ("人口基金",)),
    (
        "Office of the United Nations High Commissioner for Refugees",
        "联合国难民事务高级专员办事处",
        ("难民署", "联合国难民署", "难民事务高级专员办事处"),
    ),
    (
        "United Nations Entity for Gender Equality and the Empowerment of Women",
        "联合国促进性别平等和增强妇女权能署",
        ("联合国妇女署", "妇女署", "促进性别平等和增强妇女权能署"),
    ),
    (
        "United Nations Office on Drugs and Crime",
        "联合国毒品和犯罪问题办公室",
        ("毒品和犯罪问题办公室",),
    ),
    (
        "Office for the Coordination of Humanitarian Affairs",
        "人道主义事务协调厅",
        ("联合国人道主义事务协调厅", "人道协调厅"),
    ),
    ("United Nations Environment Programme", "联合国环境规划署", ("环境规划署", "环境署")),
    ("United Nations Human Settlements Programme", "联合国人类住区规划署", ("人居署",)),
    (
        "Joint United Nations Programme on HIV/AIDS",
        "联合国艾滋病毒/艾滋病联合规划署",
        ("联合国艾滋病毒／艾滋病联合规划署", "艾滋病署", "联合国艾滋病署"),
    ),
    ("United Nations Conference on Trade and Development", "联合国贸易和发展会议", ("贸发会议",)),
    (
        "United Nations Relief and Works Agency for Palestine Refugees in the Near East",
        "联合国近东巴勒斯坦难民救济和工程处",
        ("近东救济工程处",),
    ),
    ("United Nations Office for Project Services", "联合国项目事务署", ("项目署",)),
    ("United Nations University", "联合国大学", ()),
    ("United Nations country team", "联合国国家工作队", ("国家工作队",)),
    ("Department of Economic and Social Affairs", "经济和社会事务部", ()),
    ("Office for Disarmament Affairs", "裁军事务厅", ()),
    # Specialized and related agencies
    (
        "Food and Agriculture Organization of the United Nations",
        "联合国粮食及农业组织",
        ("粮食及农业组织", "粮农组织"),
    ),
    ("World Health Organization", "世界卫生组织", ("世卫组织",)),
    ("World Health Assembly", "世界卫生大会", ()),
    ("International Labour Organization", "国际劳工组织", ("劳工组织",)),
    ("International Labour Conference", "国际劳工大会", ()),
    (
        "United Nations Educational, Scientific and Cultural Organization",
        "联合国教育、科学及文化组织",
        ("教科文组织", "联合国教科文组织"),
    ),
    ("General Conference of UNESCO", "教科文组织大会", ("联合国教育、科学及文化组织大会",)),
    ("International Organization for Migration", "国际移民组织", ("移民组织",)),
    ("World Bank", "世界银行", ("世界银行集团",)),
    ("International Monetary Fund", "国际货币基金组织", ("货币基金组织",)),
    ("World Trade Organization", "世界贸易组织", ("世贸组织",)),
    ("International Atomic Energy Agency", "国际原子能机构", ("原子能机构",)),
    ("United Nations Industrial Development Organization", "联合国工业发展组织", ("工发组织",)),
    ("International Telecommunication Union", "国际电信联盟", ("国际电联",)),
    ("World Intellectual Property Organization", "世界知识产权组织", ("知识产权组织",)),
    ("World Meteorological Organization", "世界气象组织", ("气象组织",)),
    ("International Civil Aviation Organization", "国际民用航空组织", ("国际民航组织",)),
    ("International Maritime Organization", "国际海事组织", ("海事组织",)),
    ("Universal Postal Union", "万国邮政联盟", ("万国邮联",)),
    ("International Fund for Agricultural Development", "国际农业发展基金", ("农发基金",)),
    # Courts and tribunals
    ("International Criminal Court", "国际刑事法院", ()),
    ("Permanent Court of International Justice", "常设国际法院", ()),
    ("Permanent Court of Arbitration", "常设仲裁法院", ()),
    ("International Tribunal for the Law of the Sea", "国际海洋法法庭", ()),
    (
        "International Tribunal for the former Yugoslavia",
        "前南斯拉夫问题国际法庭",
        ("前南斯拉夫问题国际刑事法庭",),
    ),
    ("International Criminal Tribunal for Rwanda", "卢旺达问题国际刑事法庭", ()),
    # Regional and other intergovernmental organizations; the Red Cross
    ("European Union", "欧洲联盟", ("欧盟",)),
    ("African Union", "非洲联盟", ("非盟",)),
    ("Association of Southeast Asian Nations", "东南亚国家联盟", ("东盟",)),
    ("Organisation of Islamic Cooperation", "伊斯兰合作组织", ("伊斯兰会议组织",)),
    ("League of Arab States", "阿拉伯国家联盟", ("阿盟",)),
    ("Organization of American States", "美洲国家组织", ()),
    ("Organization for Security and Co-operation in Europe", "欧洲安全与合作组织", ("欧安组织",)),
    ("Council of Europe", "欧洲委员会", ()),
    ("Inter-American Commission on Human Rights", "美洲人权委员会", ()),
    ("African Commission on Human and Peoples' Rights", "非洲人权和民族权委员会", ()),
    ("International Criminal Police Organization", "国际刑事警察组织", ("国际刑警组织",)),
    ("International Committee of the Red Cross", "红十字国际委员会", ("红十字委员会",)),
    (
        "International Federation of Red Cross and Red Crescent Societies",
        "红十字会与红新月会国际联合会",
        (),
    ),
)

#: strings that contain an organization's name but do not name it (matched and discarded)
BLOCKERS: tuple[str, ...] = (
    # 大会: assemblies of other bodies, and words that straddle 大 + 会…
    "缔约国大会",
    "缔约方大会",
    "缔约国会议",
    "成员国大会",
    "代表大会",
    "世界大会",
    "大会堂",
    "大会议厅",
    "大会员",  # 广大会员国
    "重大会议",
    "扩大会议",
    # 人权委员会: national institutions
    "国家人权委员会",
    "独立人权委员会",
    # 秘书处 of other bodies
    "公约秘书处",
    "常设秘书处",
    "临时秘书处",
    # 联合国 inside 联合 + 国际…
    "联合国际",
)
