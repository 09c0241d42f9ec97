"""Fixed domain data for the fictional corpus: councils, departments, topics, names, vocabulary.

Everything here is invented for benchmarking; councils and department types follow the
shapes seen in real replies (district, city, county-level city and provincial councils).
"""

from __future__ import annotations

from dataclasses import dataclass, field

_DIGITS = "〇一二三四五六七八九"


def cn_number(value: int) -> str:
    """1–99 as council titles write them (3 → 三, 15 → 十五)."""
    tens, ones = divmod(value, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Council:
    """One council (政协) and how its replies print titles, numbers and footers."""

    #: As printed in the title before the term (长宁区政协, 市政协, 政协枝江市).
    name: str
    #: The place name departments are prefixed with (长宁区, 宁波市, 湖北省).
    place: str
    #: term → first year of that term (sessions 1–5 are held in consecutive years).
    terms: dict[int, int]
    #: title | "shanghai", "ningbo", "province", "prefixed" (department prefix before 关于).
    style: str
    #: printf format of the proposal number; "{year}" is replaced by the session year.
    number_format: str = "{n:03d}"
    #: "district" or "province" department names.
    level: str = "district"
    #: Prefix of the signing unit when it is longer than the place (重庆市 for 渝中区).
    signing_prefix: str = ""
    #: Telephone area code, empty for 8-digit Shanghai numbers.
    area_code: str = ""
    postcode_prefix: str = "200"
    roads: tuple[str, ...] = ("安西路", "长宁路", "天山路", "江苏路", "愚园路")

    def sessions(self, first_year: int, last_year: int) -> list[tuple[int, int, int]]:
        """(term, session, year) of every session held between the given years."""
        out = []
        for term, start in self.terms.items():
            for number in range(1, 6):
                year = start + number - 1
                if first_year <= year <= last_year:
                    out.append((term, number, year))
        return out


COUNCILS: tuple[Council, ...] = (
    Council("长宁区政协", "长宁区", {14: 2017, 15: 2022}, "shanghai"),
    Council(
        "杨浦区政协",
        "杨浦区",
        {14: 2017, 15: 2022},
        "shanghai",
        roads=("江浦路", "控江路", "平凉路", "大学路"),
    ),
    Council(
        "徐汇区政协",
        "徐汇区",
        {14: 2017, 15: 2022},
        "shanghai",
        roads=("南丹东路", "漕溪北路", "天钥桥路", "龙华中路"),
    ),
    Council(
        "静安区政协",
        "静安区",
        {1: 2016, 2: 2021},
        "shanghai",
        roads=("常德路", "大统路", "新闸路", "昌平路"),
    ),
    Council(
        "普陀区政协",
        "普陀区",
        {14: 2017, 15: 2022},
        "shanghai",
        roads=("大渡河路", "长寿路", "曹杨路", "铜川路"),
    ),
    Council(
        "市政协",
        "宁波市",
        {14: 2017, 15: 2022},
        "ningbo",
        number_format="{n:04d}",
        area_code="0574",
        postcode_prefix="315",
        roads=("宁波市鄞州区宁穿路", "宁波市海曙区中山西路", "宁波市江北区人民路"),
    ),
    Council(
        "市政协",
        "榆林市",
        {4: 2017, 5: 2022},
        "prefixed",
        number_format="{n:03d}",
        area_code="0912",
        postcode_prefix="719",
        roads=("榆林市高新区沙河路", "榆林市榆阳区长城南路", "榆林市榆阳区人民路"),
    ),
    Council(
        "湖北省政协",
        "湖北省",
        {12: 2018, 13: 2023},
        "province",
        number_format="{year}{n:04d}",
        level="province",
        area_code="027",
        postcode_prefix="430",
        roads=("武汉市武昌区水果湖路", "武汉市洪山区珞喻路", "武汉市江岸区沿江大道"),
    ),
    Council(
        "省政协",
        "浙江省",
        {12: 2018, 13: 2023},
        "prefixed",
        number_format="{n:04d}",
        level="province",
        area_code="0571",
        postcode_prefix="310",
        roads=("杭州市西湖区省府路", "杭州市上城区解放路", "杭州市拱墅区环城北路"),
    ),
    Council(
        "政协枝江市",
        "枝江市",
        {8: 2017, 9: 2022},
        "shanghai",
        number_format="{n}",
        area_code="0717",
        postcode_prefix="443",
        roads=("枝江市马家店街道团结路", "枝江市民主大道", "枝江市江汉路"),
    ),
    Council(
        "政协宜都市",
        "宜都市",
        {9: 2017, 10: 2022},
        "shanghai",
        number_format="{n}",
        area_code="0717",
        postcode_prefix="443",
        roads=("宜都市陆城街道园林大道", "宜都市清江大道", "宜都市长江大道"),
    ),
    Council(
        "区政协",
        "渝中区",
        {14: 2017, 15: 2022},
        "prefixed",
        number_format="{n}",
        signing_prefix="重庆市",
        area_code="023",
        postcode_prefix="400",
        roads=("重庆市渝中区人民路", "重庆市渝中区解放碑", "重庆市渝中区中山一路"),
    ),
    Council(
        "湄潭县政协",
        "湄潭县",
        {10: 2017, 11: 2022},
        "shanghai",
        number_format="{n:02d}",
        area_code="0851",
        postcode_prefix="564",
        roads=("湄潭县湄江街道浙大路", "湄潭县茶城大道", "湄潭县象山路"),
    ),
    Council(
        "闵行区政协",
        "闵行区",
        {6: 2017, 7: 2022},
        "shanghai",
        roads=("沪闵路", "莘松路", "七莘路", "虹井路"),
    ),
)

#: Department types: key, district/city form, provincial form.
DEPARTMENT_TYPES: tuple[tuple[str, str, str], ...] = (
    ("edu", "教育局", "教育厅"),
    ("civil", "民政局", "民政厅"),
    ("finance", "财政局", "财政厅"),
    ("hr", "人力资源和社会保障局", "人力资源和社会保障厅"),
    ("plan", "规划和自然资源局", "自然资源厅"),
    ("eco", "生态环境局", "生态环境厅"),
    ("housing", "住房和城乡建设管理委员会", "住房和城乡建设厅"),
    ("transport", "交通运输局", "交通运输厅"),
    ("agri", "农业农村委员会", "农业农村厅"),
    ("commerce", "商务委员会", "商务厅"),
    ("culture", "文化和旅游局", "文化和旅游厅"),
    ("health", "卫生健康委员会", "卫生健康委员会"),
    ("emergency", "应急管理局", "应急管理厅"),
    ("market", "市场监督管理局", "市场监督管理局"),
    ("sport", "体育局", "体育局"),
    ("medins", "医疗保障局", "医疗保障局"),
    ("enforce", "城市管理行政执法局", "城市管理和综合执法局"),
    ("green", "绿化和市容管理局", "林业局"),
    ("science", "科学技术委员会", "科学技术厅"),
    ("develop", "发展和改革委员会", "发展和改革委员会"),
    ("justice", "司法局", "司法厅"),
    ("veteran", "退役军人事务局", "退役军人事务厅"),
    ("sasac", "国有资产监督管理委员会", "国有资产监督管理委员会"),
    ("data", "数据局", "大数据管理局"),
    ("audit", "审计局", "审计厅"),
    ("water", "水务局", "水利厅"),
    ("ethnic", "民族和宗教事务委员会", "民族宗教事务委员会"),
    ("housemgmt", "房屋管理局", "住房公积金管理中心"),
)

DEPARTMENT_KEYS = tuple(key for key, _, _ in DEPARTMENT_TYPES)


def department_name(council: Council, key: str) -> str:
    """The full name a department signs with (长宁区教育局, 重庆市渝中区民政局)."""
    for type_key, district, province in DEPARTMENT_TYPES:
        if type_key == key:
            suffix = province if council.level == "province" else district
            return f"{council.signing_prefix}{council.place}{suffix}"
    raise KeyError(key)


def department_short(council: Council, key: str) -> str:
    """The title-prefix form (渝中区民政局, 浙江省财政厅)."""
    return department_name(council, key).removeprefix(council.signing_prefix)


@dataclass(frozen=True)
class Topic:
    """A policy area: its key phrases, the departments that answer it, proposal wordings."""

    phrases: tuple[str, ...]
    departments: tuple[str, ...]
    #: Proposal titles; {p} is a key phrase.
    titles: tuple[str, ...] = field(default=())


TOPICS: tuple[Topic, ...] = (
    Topic(
        ("老旧小区", "加装电梯", "既有住宅", "业主协商", "电梯运维"),
        ("housing", "housemgmt", "plan"),
    ),
    Topic(
        ("养老服务", "长者食堂", "适老化改造", "居家养老", "养老机构"),
        ("civil", "health", "finance"),
    ),
    Topic(("城市更新", "历史风貌保护", "旧区改造", "零星旧改", "城中村改造"), ("plan", "housing")),
    Topic(
        ("营商环境", "一网通办", "小微企业", "融资难", "涉企服务"), ("develop", "market", "data")
    ),
    Topic(
        ("垃圾分类", "湿垃圾", "可回收物", "垃圾减量", "资源化利用"), ("green", "enforce", "eco")
    ),
    Topic(
        ("托育服务", "婴幼儿照护", "普惠托育", "托育机构", "早期教育"), ("health", "edu", "civil")
    ),
    Topic(("乡村振兴", "农产品上行", "冷链物流", "寄递物流", "特色产业"), ("agri", "commerce")),
    Topic(("智慧社区", "社区治理", "物业管理", "居民自治", "社区减负"), ("civil", "data")),
    Topic(("停车难", "共享单车", "非机动车", "停车泊位", "错峰停车"), ("transport", "enforce")),
    Topic(("课后服务", "双减", "校外培训", "课后托管", "素质教育"), ("edu",)),
    Topic(("职业教育", "产教融合", "技能人才", "实训基地", "校企合作"), ("edu", "hr")),
    Topic(("医联体", "家庭医生", "分级诊疗", "社区卫生服务中心", "基层医疗"), ("health", "medins")),
    Topic(("食品安全", "餐饮油烟", "农贸市场", "冷链食品", "明厨亮灶"), ("market",)),
    Topic(("河道治理", "海绵城市", "黑臭水体", "防汛排涝", "雨污分流"), ("water", "eco")),
    Topic(("口袋公园", "绿道建设", "街心花园", "立体绿化", "公园开放"), ("green", "plan")),
    Topic(("无障碍设施", "残疾人就业", "助残服务", "康复服务", "盲道"), ("civil", "hr", "housing")),
    Topic(("新能源汽车", "充电桩", "换电站", "绿色出行", "公共交通"), ("transport", "develop")),
    Topic(("数字经济", "人工智能", "科创街区", "孵化器", "成果转化"), ("science", "develop")),
    Topic(("人才公寓", "保障性租赁住房", "青年人才", "人才引进", "住房租赁"), ("hr", "housemgmt")),
    Topic(("夜间经济", "文旅融合", "商圈升级", "首店经济", "消费券"), ("commerce", "culture")),
    Topic(("全民健身", "体育场馆", "健身步道", "学校体育", "社区运动场"), ("sport", "edu")),
    Topic(("中医药", "心理健康", "健康教育", "慢病管理", "互联网医院"), ("health",)),
    Topic(("校园安全", "燃气安全", "消防通道", "电动自行车", "安全隐患"), ("emergency", "edu")),
    Topic(("非遗传承", "公共文化", "文化场馆", "图书馆", "红色文化"), ("culture",)),
    Topic(("退役军人", "优抚对象", "双拥共建", "就业创业", "褒扬纪念"), ("veteran",)),
    Topic(("医保支付", "异地就医", "长期护理保险", "医保报销", "门诊统筹"), ("medins", "health")),
    Topic(("民宿", "乡村旅游", "文旅项目", "旅游公厕", "景区管理"), ("culture", "agri")),
    Topic(("法律援助", "矛盾纠纷", "人民调解", "公共法律服务", "社区矫正"), ("justice",)),
    Topic(("国企改革", "混合所有制", "国有资产", "产业基金", "投资平台"), ("sasac", "finance")),
    Topic(("民族团结", "宗教场所", "少数民族", "民族文化", "统一战线"), ("ethnic",)),
    Topic(("财政资金", "专项资金", "政府采购", "预算绩效", "审计整改"), ("finance", "audit")),
    Topic(("生态保护", "大气污染", "噪声扰民", "碳达峰", "环境监测"), ("eco",)),
    Topic(("就业服务", "灵活就业", "高校毕业生", "职业技能培训", "劳动权益"), ("hr",)),
    Topic(("轨道交通", "公交线路", "慢行系统", "交通拥堵", "道路改造"), ("transport", "plan")),
    Topic(("政务数据", "数据共享", "数字政府", "一网统管", "城市大脑"), ("data",)),
)

#: Proposal title patterns; {a} and {b} are key phrases of the reply's topic.
PROPOSAL_TITLES: tuple[str, ...] = (
    "关于进一步推进{a}工作的建议",
    "关于加快{a}和{b}的建议",
    "关于完善{a}机制的建议",
    "关于加强{a}管理提升{b}水平的提案",
    "关于推动{a}高质量发展的建议",
    "关于破解{a}难题的建议",
    "关于优化{a}服务的建议",
    "关于{a}中{b}问题的建议",
    "关于进一步做好{a}的提案",
    "关于以{a}带动{b}的相关建议",
)

#: Section heading patterns; {a}, {b} are key phrases, {v} a verb.
SECTION_HEADINGS: tuple[str, ...] = (
    "关于{a}",
    "{v}{a}，{v2}{b}",
    "{a}工作的基本情况",
    "关于{a}的具体举措",
    "{v}{a}工作",
    "存在的主要困难",
    "下一步工作打算",
    "关于提案所提建议的采纳情况",
)

VERBS: tuple[str, ...] = (
    "推进",
    "加强",
    "完善",
    "优化",
    "强化",
    "深化",
    "提升",
    "健全",
    "推动",
    "加快",
    "聚焦",
    "规范",
)

#: Generic government vocabulary, most frequent first (Zipf-weighted by rank).
_GOV_WORDS_TEXT = """
工作 推进 加强 建设 发展 服务 进一步 我们 相关 管理 落实 完善 提升 机制 推动 开展 积极 社会
企业 项目 政策 部门 居民 社区 重点 全面 持续 加快 保障 体系 资金 实施 有关 深化 优化 强化
组织 统筹 协调 支持 鼓励 引导 规范 监管 健全 研究 制定 出台 印发 方案 措施 标准 试点 示范
覆盖 提高 质量 水平 能力 效率 作用 基础 资源 平台 载体 环境 群众 市民 需求 问题 困难 情况
目前 近年来 同时 此外 根据 按照 围绕 结合 通过 截至 累计 共计 区域 城市 农村 基层
数字化 信息化 智能化 精细化 常态化 一体化 高质量 新时代 民生 治理 改革 创新 安全 绿色 文化
教育 卫生 交通 住房 就业 医疗 生态 经济 产业 市场 主体 要素 配套 设施 功能 布局 规划
意见 代表 调研 座谈 宣传 培训 考核 评估 督导 检查 整改 成效 经验 做法 亮点 特色
品牌 合作 共建 共享 参与 多元 联动 协同 街道 街镇 居委会 业主委员会 第三方 专项 行动 计划
年度 任务 目标 举措 路径 模式 流程 环节 渠道 途径 力度 范围 对象 群体 家庭 老年人 儿童
"""
GOV_WORDS: tuple[str, ...] = tuple(_GOV_WORDS_TEXT.split())

SECTORS: tuple[str, ...] = (
    "中国共产党",
    "民革",
    "民盟",
    "民建",
    "民进",
    "农工党",
    "致公党",
    "九三学社",
    "台盟",
    "无党派人士",
    "共青团和青联",
    "工会",
    "妇联",
    "工商联",
    "科协",
    "台胞台属",
    "文化艺术",
    "科学技术",
    "社会科学",
    "经济",
    "农业和农村",
    "教育",
    "体育",
    "新闻出版",
    "医药卫生",
    "对外友好",
    "社会福利和社会保障",
    "少数民族",
    "宗教",
    "特别邀请人士",
)

PARTIES: tuple[str, ...] = ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣瑶晨雪琳晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁"  # noqa: E501

#: (label as printed, class), weighted by how often councils use each label.
RESULT_LABELS: tuple[tuple[str, str, int], ...] = (
    ("解决或采纳", "A", 30),
    ("已经解决", "A", 4),
    ("基本解决", "A", 4),
    ("已经解决或基本解决", "A", 3),
    ("采纳", "A", 2),
    ("已解决", "A", 2),
    ("列入计划拟解决", "B", 22),
    ("正在解决", "B", 6),
    ("部分解决", "B", 3),
    ("列入计划解决", "B", 2),
    ("正在解决或列入计划解决", "B", 2),
    ("部分采纳", "B", 2),
    ("留作参考", "C", 10),
    ("因条件限制无法解决", "C", 3),
    ("不可行", "C", 1),
    ("因条件限制暂不能解决", "C", 2),
    ("作为参考", "C", 1),
    ("暂不具备条件", "C", 1),
)

#: Opening formulas; {proposer} and {title} are filled in.
OPENINGS: tuple[str, ...] = (
    "{proposer}提出的关于“{title}”的提案收悉，现将办理情况答复如下：",
    "{you}提出的“{title}”收悉。经认真研究，现将办理情况答复如下：",
    "{you}提出的《{title}》收悉。我们高度重视，认真组织办理，现将有关情况答复如下：",
)

CLOSINGS: tuple[str, ...] = (
    "感谢{you}对{field}工作的关心和支持。",
    "最后，再次感谢{you}对{field}工作的关心和支持，欢迎继续提出宝贵意见和建议。",
    "感谢{you}对我们工作的关心和支持！",
)

#: Digits, Latin and mixed tokens that real replies carry (years, amounts, 5G, AI).
MIXED_TOKENS: tuple[str, ...] = (
    "2023年",
    "2024年",
    "5G",
    "AI",
    "APP",
    "15分钟生活圈",
    "“1+1+N”",
    "GDP",
    "PPP",
    "12345热线",
)
