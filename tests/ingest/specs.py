"""Fictional replies written for these tests, with the fields the parser must read from them."""

from __future__ import annotations

from tests.ingest.render import ReplySpec

#: A district reply: sector proposer, doubled 关于 with nested quotes, 会办单位 header whose
#: units are separated by a blank, sections, contact footer with 承办单位通讯地址.
DISTRICT = ReplySpec(
    title="对静安区政协第十四届三次会议第027号提案的答复",
    title_breaks=[15],
    header=[
        [("办理结果", "解决或采纳"), ("签发人", "林某某")],
        [("会办单位", "静安区财政局 静安区市场监督管理局")],
    ],
    addressee="经济界别：",
    paragraphs=[
        "经济界别提出的关于“关于推进“十五分钟社区生活圈”商业网点建设的建议”的提案收悉，"
        "现将办理情况答复如下：",
        "近年来，我区坚持以人民为中心的发展思想，把社区商业网点建设作为保障和改善民生的重要"
        "内容，会同各街道、镇持续完善社区商业服务功能。截至2023年底，全区共有标准化菜市场"
        "58家、社区便民服务点312个，居民步行15分钟可达的商业服务覆盖率达到96.5%。",
        "一、优化社区商业网点布局",
        "我们结合城市更新和旧区改造，在新建住宅项目中同步规划社区商业用房，对存量商业设施"
        "开展排摸梳理，形成网点布局清单。今年以来，新增便民早餐点26个、社区食堂9家。",
        "二、提升社区商业服务品质",
        "（一）推进菜市场标准化改造。对照上海市标准化菜市场建设规范，完成7家菜市场提升改造，"
        "推广电子秤联网和智慧支付，改善购物环境。",
        "（二）发展多元便民服务。引导连锁企业进社区，支持修鞋配钥匙、家电维修等“小修小补”"
        "服务点规范经营，满足居民日常需求。",
        "三、下一步工作",
        "我们将认真吸纳贵界别的意见建议，会同相关部门研究制定社区商业网点建设三年行动计划，"
        "力争到2026年实现社区商业服务全覆盖。",
        "感谢贵界别对我区商务工作的关心和支持。",
    ],
    signature=["静安区商务委员会"],
    date="2024年5月8日",
    disclosure="（此件公开发布）",
    footer=[
        [("联系人姓名", "李某某"), ("联系电话", "62531234")],
        [("承办单位通讯地址", "常德路370号"), ("邮政编码", "200040")],
    ],
)
DISTRICT_FIELDS = {
    "title": "对静安区政协第十四届三次会议第027号提案的答复",
    "council": "静安区政协", "term": 14, "session": 3, "number": "027", "doc_kind": "答复",
    "result": "解决或采纳", "result_class": "A", "signer": "林某某", "proposer": "经济界别",
    "sector": "经济",
    "proposal_title": "关于推进“十五分钟社区生活圈”商业网点建设的建议",
    "department": "静安区商务委员会",
    "co_departments": ["静安区财政局", "静安区市场监督管理局"],
    "date": "2024-05-08", "disclosure": "公开发布", "contact_name": "李某某",
    "contact_phone": "62531234", "address": "常德路370号", "postcode": "200040",
    "sections": ["优化社区商业网点布局", "提升社区商业服务品质", "下一步工作"],
}  # fmt: skip

#: A county-level 答复的函: unit prefix, 政协宜都市, class letter only, no addressee (the
#: proposer is named in the opening formula), run-in section headings, 会办 in the body,
#: a date in Chinese numerals, a bracketed area code.
COUNTY_LETTER = ReplySpec(
    title="宜都市农业农村局关于政协宜都市第十届二次会议第15号提案答复的函",
    title_breaks=[12],
    class_mark="B",
    doc_number="宜农函〔2023〕21号",
    paragraphs=[
        "市工商联提出的《关于加快发展柑橘深加工产业的提案》收悉。本提案由我局主办，"
        "市财政局、市自然资源和规划局会办。经认真研究，现函复如下：",
        "一、关于培育柑橘加工龙头企业。我局将柑橘精深加工列入全市农业产业化重点项目，"
        "今年已争取省级农业产业化专项资金600万元，支持两家企业扩建果汁和罐头生产线。",
        "二、关于建设冷链物流设施。我们会同市财政局统筹衔接资金，在主产乡镇新建产地冷藏保鲜"
        "设施12处，新增库容1.8万吨，目前已有9处建成投用。",
        "三、关于保障加工项目用地。市自然资源和规划局将柑橘加工项目纳入年度用地计划优先保障，"
        "对符合条件的项目实行“拿地即开工”。由于部分项目选址涉及基本农田调整，仍需逐步推进。",
        "特此函复。",
    ],
    signature=["宜都市农业农村局"],
    date="二〇二三年六月二十日",
    disclosure="（此件依申请公开）",
    footer=[[("联系人", "覃某"), ("联系电话", "（0717）4821234")]],
)
COUNTY_LETTER_FIELDS = {
    "title": "宜都市农业农村局关于政协宜都市第十届二次会议第15号提案答复的函",
    "council": "政协宜都市", "term": 10, "session": 2, "number": "15", "doc_kind": "答复函",
    "result": None, "result_class": "B", "signer": None, "proposer": "市工商联", "sector": None,
    "proposal_title": "关于加快发展柑橘深加工产业的提案", "department": "宜都市农业农村局",
    "co_departments": ["市财政局", "市自然资源和规划局"], "date": "2023-06-20",
    "disclosure": "依申请公开", "contact_name": "覃某", "contact_phone": "（0717）4821234",
    "address": None, "postcode": None,
    "sections": ["关于培育柑橘加工龙头企业", "关于建设冷链物流设施", "关于保障加工项目用地"],
}  # fmt: skip

#: A 会办意见: the addressee is the lead unit (a co-department), the proposer is named in
#: the body; closing formula 以上意见供参考。; 不予公开.
CO_OPINION = ReplySpec(
    title="关于省政协十三届二次会议第0456号提案的会办意见",
    addressee="省生态环境厅：",
    paragraphs=[
        "贵厅转来的民盟安徽省委提出的《关于完善流域生态补偿机制的提案》（第0456号）收悉。"
        "经认真研究，现将我厅会办意见函告如下：",
        "近年来，省财政持续加大生态环保投入，2022年全省节能环保支出达到186亿元，"
        "支持新安江、大别山区水环境生态补偿工作深入开展。",
        "一、关于扩大生态补偿资金规模",
        "我厅将积极争取中央财政支持，统筹省级生态环保专项资金，逐步提高补偿标准。",
        "二、关于建立多元化补偿方式",
        "我厅支持探索对口协作、产业转移、人才培训等补偿方式，推动受益地区与保护地区良性互动。",
        "以上意见供参考。",
    ],
    signature=["安徽省财政厅"],
    date="2023年4月3日",
    disclosure="（此件不予公开）",
    footer=[[("联系人", "王某"), ("联系电话", "0551-68151234")]],
    cc="抄送：省政协提案委员会。",
)
CO_OPINION_FIELDS = {
    "title": "关于省政协十三届二次会议第0456号提案的会办意见",
    "council": "省政协", "term": 13, "session": 2, "number": "0456", "doc_kind": "会办意见",
    "result": None, "result_class": None, "signer": None, "proposer": "民盟安徽省委",
    "sector": None, "proposal_title": "关于完善流域生态补偿机制的提案",
    "department": "安徽省财政厅", "co_departments": ["省生态环境厅"], "date": "2023-04-03",
    "disclosure": "不予公开", "contact_name": "王某", "contact_phone": "0551-68151234",
    "address": None, "postcode": None,
    "sections": ["关于扩大生态补偿资金规模", "关于建立多元化补偿方式"],
}  # fmt: skip

#: A county council title split mid-word (十二届四 / 次会议), result class C, 尊敬的 in the
#: addressee, consulted (not co-handling) units, a 联系单位及电话 footer.
COUNTY = ReplySpec(
    title="对湄潭县政协第十二届四次会议第108号提案的答复",
    title_breaks=[12],
    header=[[("办理结果", "留作参考"), ("签发人", "杨某某")]],
    addressee="尊敬的陈某某委员：",
    paragraphs=[
        "您提出的“关于在县城新建公共停车场的建议”收悉。我局高度重视，经与县自然资源局、"
        "县住房和城乡建设局沟通研究，现答复如下：",
        "您在提案中反映的县城停车难问题确实存在。目前县城共有公共停车泊位2100个，"
        "高峰时段老城区停车供需矛盾较为突出。",
        "由于老城区可利用土地十分有限，新建大型公共停车场受规划和资金条件制约，近期难以实施。"
        "下一步，我们将通过挖掘路内泊位、推动机关单位停车场错时开放等方式缓解停车压力。",
        "感谢您对交通工作的关心和支持！",
    ],
    signature=["湄潭县交通运输局"],
    date="2022年7月11日",
    disclosure="（此件公开发布）",
    footer=[[("联系单位及电话", "县交通运输局办公室，0851-24221234")]],
)
COUNTY_FIELDS = {
    "title": "对湄潭县政协第十二届四次会议第108号提案的答复",
    "council": "湄潭县政协", "term": 12, "session": 4, "number": "108", "doc_kind": "答复",
    "result": "留作参考", "result_class": "C", "signer": "杨某某", "proposer": "陈某某委员",
    "sector": None, "proposal_title": "关于在县城新建公共停车场的建议",
    "department": "湄潭县交通运输局", "co_departments": [], "date": "2022-07-11",
    "disclosure": "公开发布", "contact_name": None, "contact_phone": "0851-24221234",
    "address": None, "postcode": None, "sections": [],
}  # fmt: skip

#: A county reply in the shapes real offices print: half-width punctuation throughout, the
#: class as 类别:B on its own line, document number and 签发人 on one line, the unit's name
#: on a line above the 关于 title, a masked addressee, an opening without 收悉, a bracketed
#: 联系人及电话 footer, a date in Chinese numerals.
REAL_HALF_WIDTH = ReplySpec(
    title="青岚县住房和城乡建设局关于政协青岚县第十一届委员会第四次会议第56号提案的答复",
    title_breaks=[11, 33],
    class_mark="类别:B",
    doc_number="青住建函〔2021〕45号　签发人:马某",
    addressee="****委员:",
    paragraphs=[
        "您提出的《关于加快老旧小区加装电梯的提案》交我局研究办理,现答复如下:",
        '老旧小区加装电梯是一项民生实事.近年来,我局坚持"政府引导、业主自愿、一梯一策"的原则,'
        "累计完成加装电梯86部,惠及居民1200余户.",
        "一、关于简化审批流程",
        "我局会同县自然资源局制定了加装电梯联合审查办法,审批时限由45个工作日压缩到20个工作日.",
        "二、关于加大资金支持",
        "县财政对每部电梯给予15万元补助;同时支持居民提取住房公积金用于加装电梯,减轻群众负担!",
        "感谢您对住房和城乡建设工作的关心和支持.",
    ],
    signature=["青岚县住房和城乡建设局"],
    date="二〇二一年十月二十六日",
    disclosure="(此件公开发布)",
    footer=[[("(联系人及电话", "王某,0839-5521234)")]],
)
REAL_HALF_WIDTH_FIELDS = {
    "title": "青岚县住房和城乡建设局关于政协青岚县第十一届委员会第四次会议第56号提案的答复",
    "council": "政协青岚县", "term": 11, "session": 4, "number": "56", "doc_kind": "答复",
    "result": None, "result_class": "B", "signer": "马某", "proposer": "****委员",
    "sector": None, "proposal_title": "关于加快老旧小区加装电梯的提案",
    "department": "青岚县住房和城乡建设局", "co_departments": [], "date": "2021-10-26",
    "disclosure": "公开发布", "contact_name": "王某", "contact_phone": "0839-5521234",
    "address": None, "postcode": None, "sections": ["关于简化审批流程", "关于加大资金支持"],
}  # fmt: skip

#: A township 答复函 with the class letter inside the title (第9号B类提案), the council as
#: 县政协十六届第一次会议, 签发人 given as 敖镇长, a group addressee, an opening with the
#: 提案之收悉 slip, 承办负责人 + 承办人 in the footer and no disclosure marker.
REAL_TOWNSHIP = ReplySpec(
    title="凤溪镇人民政府关于县政协十六届第一次会议第9号B类提案答复的函",
    title_breaks=[7],
    header=[[("签发人", "敖镇长")]],
    addressee="凤溪镇委员小组：",
    paragraphs=[
        "你们提出的关于保护利用凤溪古驿道遗存的提案之收悉，现将办理情况答复如下：",
        "凤溪古驿道是我镇重要的历史文化遗存。今年以来，镇政府组织文化站对古驿道沿线"
        "石板路、古桥和驿站遗址进行了全面调查，建立了遗存保护台账。",
        "下一步，我镇将积极争取县文化广播电视和旅游局支持，将古驿道保护修缮纳入明年"
        "乡村振兴项目库，分段实施修缮。由于资金有限，全面修缮需逐年推进。",
        "特此函复。",
    ],
    signature=["凤溪镇人民政府"],
    date="2022年6月18日",
    footer=[[("承办负责人", "刘某某"), ("承办人", "陈某"), ("联系电话", "0839-5523307")]],
)
REAL_TOWNSHIP_FIELDS = {
    "title": "凤溪镇人民政府关于县政协十六届第一次会议第9号B类提案答复的函",
    "council": "县政协", "term": 16, "session": 1, "number": "9", "doc_kind": "答复函",
    "result": None, "result_class": "B", "signer": "敖镇长", "proposer": "凤溪镇委员小组",
    "sector": None, "proposal_title": "关于保护利用凤溪古驿道遗存的提案",
    "department": "凤溪镇人民政府", "co_departments": [], "date": "2022-06-18",
    "disclosure": None, "contact_name": "陈某", "contact_phone": "0839-5523307",
    "address": None, "postcode": None, "sections": [],
}  # fmt: skip

CASES = {
    "district": (DISTRICT, DISTRICT_FIELDS),
    "real_half_width": (REAL_HALF_WIDTH, REAL_HALF_WIDTH_FIELDS),
    "real_township": (REAL_TOWNSHIP, REAL_TOWNSHIP_FIELDS),
    "county_letter": (COUNTY_LETTER, COUNTY_LETTER_FIELDS),
    "co_opinion": (CO_OPINION, CO_OPINION_FIELDS),
    "county": (COUNTY, COUNTY_FIELDS),
}


def comparable(data: dict) -> dict:
    """JSON output reduced to what the *_FIELDS dicts hold (section headings only)."""
    out = {key: data[key] for key in DISTRICT_FIELDS}
    out["sections"] = [s["heading"] for s in data["sections"]]
    return out
