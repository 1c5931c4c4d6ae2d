"""The demo marketplace: a realistic, seeded, repeatable population of every side of the zone.

``load`` writes 320 startups with their funding needs and IP, 60 investors with theses,
10 banks with loan products, 20 incubators with relay-incubation seats, an operator per park
and the zone's administrator, all in one transaction. The same seed gives the same marketplace;
dates count from ``REFERENCE_DATE``, but for what must stay current on any day the demo is loaded
(when open needs were posted and their deadlines), which counts from that day. Every organization gets one account
(``startup-017@demo.zjmatch.cn``, ...); ``logins`` names the six that show each side at its best.
"""
from __future__ import annotations

import math
import random
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from marketplace import clock
from marketplace.models import (
    Bank,
    FundingNeed,
    FundingRound,
    IncubationCapacity,
    IncubationStay,
    Incubator,
    Investor,
    InvestorThesis,
    IPAsset,
    LoanProduct,
    Organization,
    Park,
    ParkOperator,
    Partnership,
    PledgeRate,
    Sector,
    Stage,
    Startup,
    StartupTier,
    Tag,
    TaxonomyVersion,
    User,
)
from marketplace.models.base import utcnow
from marketplace.models.enums import (
    EnterpriseTier,
    IncubatorService,
    IncubatorTier,
    Instrument,
    InvestorKind,
    IPKind,
    IPStatus,
    LoanKind,
    NeedStatus,
    PartnershipStatus,
    RevenueBand,
    Role,
    SectorGroup,
)
from marketplace.models.history import investments
from marketplace.models.listings import product_investor_kinds, product_tiers, thesis_sector_groups
from marketplace.models.organizations import incubator_services, startup_sectors
from marketplace.services import demo_deals
from marketplace.services.ip_numbers import patent_number, software_copyright_number
from marketplace.services.needs import need_search_text
from marketplace.services.passwords import hash_password

T = TypeVar("T")

REFERENCE_DATE = date(2026, 11, 1)
EMAIL_DOMAIN = "demo.zjmatch.cn"
LOGIN_ROLES = (Role.STARTUP, Role.INVESTOR, Role.BANK, Role.INCUBATOR, Role.OPERATOR, Role.ADMIN)
LOGIN_PARK = "zhangjiang_core"
STARTUP_COUNT = 320
STEPS = 9

M = 1_000_000
STAGE_CODES = ("concept", "seed", "pre_a", "series_a", "series_b", "series_c_plus", "pre_ipo")


def login_email(role: Role) -> str:
    return f"{role.value}@{EMAIL_DOMAIN}"


# --- What a summary says ------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind a load added (all zero when the demo was already there)."""

    startups: int = 0
    funding_needs: int = 0
    ip_assets: int = 0
    investors: int = 0
    banks: int = 0
    loan_products: int = 0
    incubators: int = 0
    capacities: int = 0
    funding_rounds: int = 0
    investments: int = 0
    incubation_stays: int = 0
    partnerships: int = 0
    users: int = 0
    introductions: int = 0  # the deals demo_deals plays (its COUNTED)
    messages: int = 0
    pipeline_cards: int = 0
    commitments: int = 0
    loan_offers: int = 0
    reservations: int = 0

    def describe(self) -> str:
        if not any(asdict(self).values()):
            return "The demo marketplace is already loaded: nothing added."
        return (f"Loaded {self.startups:,} startups, {self.funding_needs:,} funding needs, "
                f"{self.ip_assets:,} IP assets, {self.investors:,} investors, {self.banks:,} banks with "
                f"{self.loan_products:,} loan products, {self.incubators:,} incubators with "
                f"{self.capacities:,} capacity offers and {self.incubation_stays:,} resident startups, "
                f"{self.partnerships:,} investor-incubator partnerships, {self.funding_rounds:,} past funding "
                f"rounds with {self.investments:,} investments, and {self.users:,} users; deals under way: "
                f"{self.introductions:,} introductions with {self.messages:,} messages, {self.pipeline_cards:,} "
                f"pipeline cards, {self.commitments:,} commitments, {self.loan_offers:,} linked loan offers and "
                f"{self.reservations:,} seat reservations.")


# --- The words the names and texts are made of ---------------------------------------------


def _syllables(text: str) -> tuple[tuple[str, str], ...]:
    """``"芯xin 硅gui"`` -> ``(("芯", "xin"), ("硅", "gui"))``: a character and its pinyin."""
    return tuple((word[0], word[1:]) for word in text.split())


@dataclass(frozen=True)
class CraftWords:
    """What a kind of technology (hardware, drugs, software, materials) patents and spends on."""

    ip_kind_weights: tuple[int, int, int, int]  # invention, utility model, design, software copyright
    invention_aspects: tuple[str, ...]
    utility_parts: tuple[str, ...]
    research_costs: str
    equity_uses: tuple[str, ...]
    milestone: str  # what the next round pays for, as in a need's title


HARDWARE = CraftWords(
    (4, 4, 1, 1),
    ("结构及其制造方法", "控制方法及系统", "检测方法及装置", "驱动电路", "校准方法"),
    ("散热结构", "固定装置", "连接组件", "防护外壳", "检测工装", "安装支架"),
    "样机试制、流片与测试认证",
    ("核心产品研发迭代", "量产线建设", "市场拓展与团队扩充", "供应链与产能建设"),
    "规模化量产",
)
BIO = CraftWords(
    (8, 1, 0, 1),
    ("制备方法及其应用", "药物组合物及其用途", "检测试剂盒", "纯化工艺", "递送系统"),
    ("样本保存装置", "反应容器", "取样装置"),
    "临床前研究与临床试验",
    ("推进核心管线临床试验", "新药研发平台建设", "GMP生产基地建设", "扩充研发团队"),
    "临床推进",
)
SOFTWARE = CraftWords(
    (2, 0, 1, 7),
    ("数据处理方法及系统", "任务调度方法、装置及存储介质", "模型训练方法及装置", "安全认证方法"),
    ("交互终端", "数据采集装置"),
    "算法研发与算力采购",
    ("产品研发与算力投入", "行业解决方案拓展", "市场拓展与团队扩充", "海外市场开拓"),
    "商业化拓展",
)
MATERIALS = CraftWords(
    (6, 3, 1, 0),
    ("制备方法", "改性工艺", "复合结构及其制备方法", "表面处理方法"),
    ("成型模具", "涂布装置", "反应釜", "检测工装"),
    "中试放大与客户验证",
    ("中试线与量产线建设", "新品研发与客户验证", "市场拓展与团队扩充"),
    "中试放大",
)


@dataclass(frozen=True)
class SectorWords:
    heads: tuple[tuple[str, str], ...]  # first syllables of brand names in this sector
    trades: tuple[tuple[str, str], ...]  # (行业词, English) as in 上海芯澜微电子科技有限公司 / Xinlan Microelectronics
    products: tuple[str, ...]
    customers: tuple[str, ...]
    tags: tuple[str, ...]
    craft: CraftWords
    weight: int  # how common startups of this sector are in the zone
    clinical: bool = False  # progress is measured in trials, not sales


SECTOR_WORDS: dict[str, SectorWords] = {
    "digital_transformation": SectorWords(
        _syllables("数shu 云yun 联lian 易yi 构gou"),
        (("数字科技", "Digital Technology"), ("信息技术", "Information Technology"),
         ("工业互联网", "Industrial Internet"), ("软件", "Software")),
        ("工业互联网平台", "制造执行系统", "数字孪生工厂解决方案", "企业级低代码平台", "供应链协同SaaS"),
        ("长三角制造业龙头企业", "多家汽车零部件企业", "大型国有企业集团"),
        ("工业互联网", "数字孪生", "低代码", "saas"), SOFTWARE, 4),
    "green_transformation": SectorWords(
        _syllables("青qing 森sen 环huan 清qing 禾he"),
        (("环境科技", "Environmental Technology"), ("节能科技", "Energy Efficiency"),
         ("碳管理", "Carbon Management"), ("环保技术", "Environmental Solutions")),
        ("碳排放监测与核算平台", "工业余热回收系统", "高效节能变频装置", "园区综合能源管理系统", "工业废水零排放装备"),
        ("化工园区", "钢铁与水泥企业", "数据中心运营商"),
        ("双碳", "碳核算", "节能", "esg"), HARDWARE, 4),
    "integrated_circuits": SectorWords(
        _syllables("芯xin 硅gui 晶jing 矽xi 微wei 集ji"),
        (("微电子", "Microelectronics"), ("半导体", "Semiconductor"), ("集成电路", "IC"),
         ("芯片", "Chips"), ("电子科技", "Electronics")),
        ("车规级MCU芯片", "射频前端芯片", "高速SerDes接口IP", "RISC-V处理器", "晶圆缺陷检测设备",
         "存算一体AI芯片", "硅光通信芯片", "功率半导体器件"),
        ("国内头部晶圆厂", "多家Tier1汽车电子厂商", "主流手机品牌"),
        ("risc-v", "车规级", "chiplet", "eda", "先进封装"), HARDWARE, 10),
    "biomedicine": SectorWords(
        _syllables("康kang 瑞rui 泰tai 君jun 百bai 济ji"),
        (("生物医药", "Biopharma"), ("生物科技", "Biotech"), ("医药科技", "Pharmaceuticals"),
         ("生物制药", "Biologics")),
        ("双特异性抗体药物", "ADC创新药", "mRNA疫苗", "CAR-T细胞治疗产品", "小分子靶向抗肿瘤药",
         "基因编辑疗法", "多肽创新药"),
        ("跨国药企", "国内头部CRO", "三甲医院临床研究中心"),
        ("adc", "双抗", "细胞治疗", "mrna", "创新药"), BIO, 10, clinical=True),
    "artificial_intelligence": SectorWords(
        _syllables("智zhi 深shen 思si 灵ling 图tu 觉jue"),
        (("智能科技", "Intelligent Technology"), ("人工智能", "AI"), ("信息科技", "Information Technology"),
         ("机器人", "Robotics")),
        ("行业大模型", "多模态视觉检测平台", "具身智能机器人", "智能语音交互引擎", "自动驾驶感知算法",
         "AI辅助诊断系统"),
        ("头部电商平台", "大型制造企业", "银行与保险机构"),
        ("大模型", "计算机视觉", "具身智能", "aigc"), SOFTWARE, 10),
    "electronic_information": SectorWords(
        _syllables("讯xun 光guang 通tong 电dian 联lian"),
        (("电子", "Electronics"), ("通信技术", "Communications"), ("光电科技", "Optoelectronics"),
         ("信息技术", "Information Technology")),
        ("5G小基站", "800G高速光模块", "工业级物联网模组", "激光雷达", "毫米波雷达", "高端PCB"),
        ("三大电信运营商", "头部通信设备商", "数据中心客户"),
        ("5g", "光模块", "物联网", "激光雷达"), HARDWARE, 6),
    "life_health": SectorWords(
        _syllables("康kang 健jian 颐yi 医yi 和he 安an"),
        (("医疗科技", "Medical Technology"), ("医疗器械", "Medical Devices"), ("健康科技", "Health Technology"),
         ("生命科学", "Life Sciences")),
        ("腔镜手术机器人", "高端医学影像设备", "体外诊断试剂", "可穿戴心电监测设备", "康复外骨骼机器人",
         "介入治疗器械"),
        ("三甲医院", "第三方医学检验机构", "基层医疗机构"),
        ("医疗器械", "ivd", "手术机器人", "三类证"), HARDWARE, 7),
    "automotive": SectorWords(
        _syllables("驰chi 擎qing 途tu 驾jia 行xing 骋cheng"),
        (("汽车科技", "Automotive Technology"), ("智能驾驶", "Autonomous Driving"),
         ("新能源科技", "New Energy Vehicles"), ("汽车电子", "Automotive Electronics")),
        ("L4级自动驾驶系统", "线控底盘", "800V电驱总成", "智能座舱域控制器", "车规级激光雷达", "高压快充模块"),
        ("头部新能源车企", "合资整车厂", "Tier1零部件供应商"),
        ("自动驾驶", "新能源汽车", "线控底盘", "车路协同"), HARDWARE, 6),
    "high_end_equipment": SectorWords(
        _syllables("精jing 鼎ding 工gong 铸zhu 衡heng"),
        (("精密机械", "Precision Machinery"), ("智能装备", "Intelligent Equipment"),
         ("装备科技", "Equipment Technology"), ("自动化", "Automation")),
        ("五轴联动数控机床", "精密减速器", "半导体真空泵", "航空零部件检测设备", "超快激光加工装备", "协作机器人"),
        ("航空航天制造企业", "半导体晶圆厂", "汽车主机厂"),
        ("数控机床", "工业机器人", "国产替代", "精密制造"), HARDWARE, 6),
    "advanced_materials": SectorWords(
        _syllables("材cai 纳na 碳tan 金jin 晶jing"),
        (("新材料", "New Materials"), ("材料科技", "Materials Technology"), ("高分子材料", "Polymers"),
         ("电子材料", "Electronic Materials")),
        ("高纯电子特气", "碳纤维复合材料", "ArF光刻胶", "特种工程塑料", "高导热陶瓷基板", "锂电池隔膜"),
        ("晶圆制造企业", "航空航天企业", "动力电池厂商"),
        ("光刻胶", "碳纤维", "电子化学品", "国产替代"), MATERIALS, 5),
    "fashion_consumer_goods": SectorWords(
        _syllables("尚shang 美mei 悦yue 雅ya 织zhi"),
        (("时尚科技", "Fashion Technology"), ("化妆品", "Cosmetics"), ("服饰", "Apparel"),
         ("消费品", "Consumer Goods")),
        ("功效型护肤品", "智能温控服饰", "合成生物美妆原料", "个性化定制运动鞋", "国潮设计师品牌"),
        ("头部电商平台", "连锁零售渠道", "国际美妆集团"),
        ("国潮", "新消费", "功效护肤", "dtc"), MATERIALS, 3),
    "digital_economy": SectorWords(
        _syllables("数shu 云yun 链lian 网wang 易yi"),
        (("网络科技", "Network Technology"), ("数据科技", "Data Technology"), ("信息服务", "Information Services"),
         ("金融科技", "Fintech")),
        ("数据要素流通平台", "隐私计算平台", "跨境电商SaaS", "供应链金融平台", "数据安全网关", "智能客服系统"),
        ("商业银行", "大型电商平台", "政务数据平台"),
        ("隐私计算", "数据要素", "saas", "金融科技"), SOFTWARE, 6),
    "green_low_carbon": SectorWords(
        _syllables("碳tan 氢qing 光guang 风feng 源yuan"),
        (("新能源", "New Energy"), ("储能科技", "Energy Storage"), ("氢能科技", "Hydrogen"),
         ("低碳科技", "Low-Carbon Technology")),
        ("钠离子电池", "工商业储能系统", "PEM电解槽", "光伏组件回收设备", "碳捕集装置", "氢燃料电池电堆"),
        ("电网公司", "大型发电集团", "工业园区"),
        ("储能", "氢能", "光伏", "ccus"), HARDWARE, 5),
    "metaverse": SectorWords(
        _syllables("元yuan 幻huan 境jing 镜jing 维wei"),
        (("数字科技", "Digital Technology"), ("虚拟现实", "Virtual Reality"), ("互动娱乐", "Interactive Entertainment"),
         ("三维科技", "3D Technology")),
        ("XR光学模组", "超写实数字人平台", "工业元宇宙仿真平台", "三维重建引擎", "虚拟演出平台"),
        ("文旅集团", "头部游戏公司", "大型制造企业"),
        ("xr", "数字人", "3d引擎", "虚拟现实"), SOFTWARE, 3),
    "smart_terminals": SectorWords(
        _syllables("端duan 屏ping 视shi 声sheng 触chu"),
        (("智能终端", "Smart Devices"), ("智能硬件", "Smart Hardware"), ("显示科技", "Display Technology"),
         ("电子科技", "Electronics")),
        ("AR眼镜", "智能手表", "家庭服务机器人", "Micro LED显示屏", "智能家居中控屏"),
        ("主流消费电子品牌", "运营商渠道", "跨境电商平台"),
        ("ar眼镜", "可穿戴", "智能硬件", "micro led"), HARDWARE, 4),
    "future_health": SectorWords(
        _syllables("基ji 因yin 生sheng 赛sai 诺nuo"),
        (("基因科技", "Genomics"), ("合成生物", "Synthetic Biology"), ("脑科学", "Neurotech"),
         ("生命科技", "Life Technology")),
        ("脑机接口电极", "合成生物底盘细胞", "单细胞测序平台", "类器官药物筛选平台", "基因治疗载体"),
        ("科研院所", "创新药企", "三甲医院"),
        ("脑机接口", "合成生物", "基因治疗", "类器官"), BIO, 3),
    "future_intelligence": SectorWords(
        _syllables("量liang 算suan 脑nao 玄xuan 智zhi"),
        (("量子科技", "Quantum Technology"), ("智能计算", "Intelligent Computing"),
         ("类脑科技", "Neuromorphic Computing"), ("计算科技", "Computing")),
        ("超导量子计算机", "量子密钥分发设备", "类脑芯片", "光子计算芯片", "通用人形机器人"),
        ("国家实验室", "超算中心", "金融机构"),
        ("量子计算", "类脑", "光计算", "人形机器人"), HARDWARE, 3),
    "future_energy": SectorWords(
        _syllables("聚ju 核he 能neng 燧sui 源yuan"),
        (("能源科技", "Energy Technology"), ("聚变科技", "Fusion Energy"), ("氢能", "Hydrogen Energy"),
         ("先进能源", "Advanced Energy")),
        ("聚变装置第一壁部件", "固态储氢系统", "钙钛矿光伏电池", "高温超导磁体", "先进核能小堆部件"),
        ("大型能源集团", "科研院所", "大型发电集团"),
        ("核聚变", "钙钛矿", "氢能", "超导"), HARDWARE, 2),
    "future_space": SectorWords(
        _syllables("星xing 航hang 天tian 穹qiong 宇yu"),
        (("航天科技", "Aerospace"), ("卫星科技", "Satellite Technology"), ("空天技术", "Space Technology"),
         ("海洋科技", "Ocean Technology")),
        ("低轨通信卫星", "液氧甲烷火箭发动机", "卫星遥感数据服务", "深海无人潜航器", "eVTOL飞行器"),
        ("卫星运营商", "商业航天企业", "海洋科研机构"),
        ("商业航天", "低空经济", "卫星互联网", "深海"), HARDWARE, 2),
    "future_materials": SectorWords(
        _syllables("烯xi 超chao 纳na 晶jing 材cai"),
        (("新材料", "New Materials"), ("石墨烯科技", "Graphene"), ("超材料", "Metamaterials"),
         ("纳米材料", "Nanomaterials")),
        ("石墨烯导热膜", "高温超导带材", "二维半导体材料", "高熵合金", "生物基可降解材料"),
        ("消费电子品牌", "电力装备企业", "新能源企业"),
        ("石墨烯", "超材料", "二维材料", "高熵合金"), MATERIALS, 2),
}

COMMON_HEADS = _syllables("华hua 中zhong 新xin 汉han 东dong 鸿hong 天tian 博bo")
TAILS = _syllables(
    "澜lan 睿rui 启qi 源yuan 擎qing 拓tuo 迈mai 达da 瀚han 泽ze 辰chen 衡heng 越yue 恒heng 博bo 岭ling "
    "峰feng 禾he 翊yi 晟sheng 昱yu 屹yi 钧jun 岚lan 湃pai 维wei 弘hong 帆fan 朗lang 宸chen 景jing 序xu "
    "熠yi 捷jie 锐rui 川chuan 泓hong 兆zhao 臻zhen 曜yao 芯xin 微wei 创chuang 科ke"
)
COMMON_TAGS = ("国产替代", "产学研", "出海", "专利密集型")
TEAM_ORIGINS = ("复旦大学", "上海交通大学", "同济大学", "华东师范大学", "上海科技大学", "中国科学院上海分院",
                "浙江大学", "清华大学", "海外知名科技企业", "行业龙头企业研发中心")
SECTOR_GROUP_ZH = {SectorGroup.TRANSFORMATION: "两大转型", SectorGroup.LEADING: "三大先导产业",
                   SectorGroup.KEY: "六大重点产业", SectorGroup.NEW_TRACK: "四大新赛道",
                   SectorGroup.FUTURE: "五大未来产业"}


@dataclass(frozen=True)
class StageFacts:
    """What a company at one rung of the ladder typically looks like."""

    weight: int  # how many startups of the zone are at this stage
    round_zh: str
    age_years: tuple[float, float]
    team: tuple[int, int]
    revenue_weights: tuple[int, ...]  # over RevenueBand, in declaration order
    equity_round: tuple[int, int]  # yuan
    loan: tuple[int, int]  # yuan; zero: too early to borrow
    ip_count: tuple[int, int]
    traction: str
    trial: str  # traction of a drug developer


STAGE_FACTS: dict[str, StageFacts] = {
    "concept": StageFacts(8, "概念验证", (0.3, 1.5), (2, 8), (10, 1, 0, 0, 0, 0), (500_000, 3 * M), (0, 0),
                          (0, 2), "目前已完成原理验证，正在申请概念验证资金支持", "候选分子已完成体外药效验证"),
    "seed": StageFacts(18, "天使轮", (0.5, 3), (4, 20), (7, 3, 1, 0, 0, 0), (1 * M, 5 * M), (500_000, 3 * M),
                       (0, 3), "已完成工程样机，正与{customer}开展联合测试", "已完成临床前药效与毒理研究"),
    "pre_a": StageFacts(18, "Pre-A轮", (1, 4), (10, 45), (3, 4, 3, 0, 0, 0), (5 * M, 20 * M), (1 * M, 5 * M),
                        (1, 5), "产品已在{customer}完成小批量试用，复购意向明确", "已获IND批准，即将启动I期临床试验"),
    "series_a": StageFacts(22, "A轮", (2, 6), (20, 90), (2, 2, 5, 2, 0, 0), (20 * M, 80 * M), (3 * M, 20 * M),
                           (2, 8), "产品已进入{customer}供应体系，实现批量交付", "I期临床顺利完成，正在开展II期临床试验"),
    "series_b": StageFacts(15, "B轮", (3, 8), (50, 220), (1, 0, 3, 5, 2, 0), (80 * M, 200 * M), (5 * M, 30 * M),
                           (3, 12), "去年营收同比增长超过{growth}%，客户覆盖{customer}", "核心产品II期临床数据积极"),
    "series_c_plus": StageFacts(11, "C轮", (5, 11), (100, 500), (1, 0, 1, 3, 5, 2), (150 * M, 600 * M),
                                (10 * M, 50 * M), (5, 15), "已成为{customer}的核心供应商，市场份额位居国内前列",
                                "核心产品已进入III期临床，并与{customer}达成授权合作"),
    "pre_ipo": StageFacts(8, "Pre-IPO轮", (6, 15), (200, 1500), (0, 0, 0, 2, 5, 5), (300 * M, 1200 * M),
                          (20 * M, 100 * M), (6, 20), "近三年营收复合增长率超过{growth}%，计划申报科创板上市",
                          "首个产品已提交上市申请，计划申报科创板上市"),
}

REVENUE_YUAN: dict[RevenueBand, tuple[int, int]] = {
    RevenueBand.PRE_REVENUE: (0, 0), RevenueBand.UNDER_1M: (50_000, 1 * M), RevenueBand.FROM_1M: (1 * M, 10 * M),
    RevenueBand.FROM_10M: (10 * M, 50 * M), RevenueBand.FROM_50M: (50 * M, 200 * M),
    RevenueBand.OVER_200M: (200 * M, 1500 * M),
}
NEED_STATUS_WEIGHTS = {NeedStatus.OPEN: 75, NeedStatus.DRAFT: 8, NeedStatus.CLOSED: 8, NeedStatus.FUNDED: 9}


# --- Small helpers --------------------------------------------------------------------------


def _covering(rng: random.Random, items: Sequence[T], weights: Sequence[float], count: int) -> list[T]:
    """``count`` weighted picks in random order, each item at least once."""
    picks = list(items) + rng.choices(items, weights, k=count - len(items))
    rng.shuffle(picks)
    return picks


def _weighted_sample(rng: random.Random, weights: Mapping[T, float], count: int) -> list[T]:
    """Up to ``count`` distinct keys, drawn by weight (keys of weight zero never)."""
    left = {key: weight for key, weight in weights.items() if weight > 0}
    picks: list[T] = []
    while left and len(picks) < count:
        pick = rng.choices(list(left), list(left.values()))[0]
        picks.append(pick)
        del left[pick]
    return picks


def _round_money(amount: float) -> int:
    """Two significant figures, as people quote amounts: 35,000,000, not 34,871,220."""
    digits = max(len(str(int(amount))) - 2, 0)
    return int(round(amount / 10**digits)) * 10**digits


def _money_between(rng: random.Random, low: float, high: float) -> int:
    return _round_money(math.exp(rng.uniform(math.log(low), math.log(high))))


def _either(words: Sequence[str]) -> str:
    """English words as one choice: "a", "a or b", "a, b or c"; none: ""."""
    return f"{', '.join(words[:-1])} or {words[-1]}" if len(words) > 1 else "".join(words)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _yuan_zh(amount: int) -> str:
    if amount >= 100 * M:
        return f"{amount / (100 * M):g}亿元"
    return f"{amount / 10_000:g}万元"


def _yuan_en(amount: int) -> str:
    return f"CNY {amount / M:g}M"


def _share(rng: random.Random, low: float, high: float) -> Decimal:
    """A fraction in steps of 0.05, e.g. a pledge rate."""
    return Decimal(rng.randrange(round(low * 20), round(high * 20) + 1)) / 20


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _months_after(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, min(day.day, 28))


def _days_from_reference(days: int) -> date:
    return REFERENCE_DATE + timedelta(days=days)


# --- The reference data and the state of one load ------------------------------------------


@dataclass
class _Reference:
    sectors: list[Sector]
    stages: list[Stage]
    parks: list[Park]

    def sector(self, code: str) -> Sector:
        return next(s for s in self.sectors if s.code == code)

    def stage(self, code: str) -> Stage:
        return next(s for s in self.stages if s.code == code)

    def park(self, code: str) -> Park:
        return next(p for p in self.parks if p.code == code)

    def stages_between(self, first: str, last: str) -> list[Stage]:
        return self.stages[STAGE_CODES.index(first):STAGE_CODES.index(last) + 1]


def _reference(session: Session) -> _Reference:
    sectors = session.scalars(
        sa.select(Sector).join(TaxonomyVersion).where(TaxonomyVersion.is_current).order_by(Sector.position)
    ).all()
    stages = session.scalars(sa.select(Stage).order_by(Stage.ordinal)).all()
    parks = session.scalars(sa.select(Park).options(selectinload(Park.leading_industries)).order_by(Park.id)).all()
    return _Reference(list(sectors), list(stages), list(parks))


@dataclass(frozen=True)
class _LinkRow:
    """A row of a link table whose owner gets its id only at the flush (the owner is its first column)."""

    table: sa.Table
    owner: Any
    values: dict[str, Any]


@dataclass
class _Build:
    rng: random.Random
    ref: _Reference
    tags: dict[str, Tag]  # existing tags by name; new ones are added as they are used
    taken_ip: set[tuple[IPKind, str]]
    taken_names: set[str] = field(default_factory=set)
    links: list[_LinkRow] = field(default_factory=list)

    def unique_name(self, *names: str) -> bool:
        """Claim the names; False when one is already taken."""
        if any(name in self.taken_names for name in names):
            return False
        self.taken_names.update(names)
        return True

    def tag(self, name: str) -> Tag:
        return self.tags.setdefault(name, Tag(name=name))


def _new_build(session: Session, rng: random.Random) -> _Build:
    tag_names = {name for words in SECTOR_WORDS.values() for name in words.tags} | set(COMMON_TAGS)
    tags = session.scalars(sa.select(Tag).where(Tag.name.in_(tag_names))).all()
    taken_ip = {(kind, number) for kind, number in session.execute(sa.select(IPAsset.kind, IPAsset.number))}
    return _Build(rng, _reference(session), {tag.name: tag for tag in tags}, taken_ip)


# --- Startups -------------------------------------------------------------------------------


@dataclass
class _Company:
    """A startup and what its needs and IP are written from."""

    startup: Startup
    sectors: list[Sector]
    words: SectorWords
    brand: str  # 芯澜
    short_name: str  # 芯澜微电子
    products: list[str]
    team_origin: str
    figures: dict[str, int]  # the confidential figures its needs report; empty when it keeps them back
    needs: list[FundingNeed] = field(default_factory=list)
    ip_assets: list[IPAsset] = field(default_factory=list)

    @property
    def stage_code(self) -> str:
        assert self.startup.stage is not None
        return self.startup.stage.code


@dataclass(frozen=True)
class _CompanyName:
    brand: str
    brand_en: str
    trade: str
    trade_en: str

    @property
    def short(self) -> str:
        return self.brand + self.trade

    @property
    def english(self) -> str:
        return f"{self.brand_en} {self.trade_en}"

    def legal(self, rng: random.Random, listed_soon: bool) -> str:
        suffix = "有限公司" if self.trade.endswith(("科技", "技术")) else rng.choice(("科技有限公司", "技术有限公司"))
        if listed_soon and rng.random() < 0.4:
            suffix = suffix.replace("有限公司", "股份有限公司")
        if rng.random() < 0.8:
            return f"上海{self.short}{suffix}"
        return f"{self.brand}（上海）{self.trade}{suffix}"

    def website(self) -> str:
        return f"https://www.{self.brand_en.lower()}-{self.trade_en.split()[0].lower()}.com"


def _company_name(build: _Build, words: SectorWords) -> _CompanyName:
    rng = build.rng
    while True:
        head = rng.choice(words.heads if rng.random() < 0.75 else COMMON_HEADS)
        tail = rng.choice(TAILS)
        if head[0] == tail[0]:
            continue
        trade, trade_en = rng.choice(words.trades)
        name = _CompanyName(head[0] + tail[0], (head[1] + tail[1]).capitalize(), trade, trade_en)
        if build.unique_name(name.short, name.english):
            return name


def _secondary_sectors(build: _Build, primary: Sector, count: int) -> list[Sector]:
    craft = SECTOR_WORDS[primary.code].craft
    weights = {s: SECTOR_WORDS[s.code].weight for s in build.ref.sectors
               if s is not primary and SECTOR_WORDS[s.code].craft is craft}
    return _weighted_sample(build.rng, weights, count)


def _revenue_band(rng: random.Random, facts: StageFacts, words: SectorWords) -> RevenueBand:
    if words.clinical and rng.random() < 0.6:
        return RevenueBand.PRE_REVENUE
    return rng.choices(list(RevenueBand), facts.revenue_weights)[0]


def _confidential_figures(rng: random.Random, band: RevenueBand, team_size: int) -> dict[str, int]:
    """Last year's revenue, monthly burn and runway."""
    low, high = REVENUE_YUAN[band]
    return {"revenue_last_year": _money_between(rng, low, high) if high else 0,
            "monthly_burn": _round_money(team_size * rng.uniform(25_000, 45_000)),
            "runway_months": rng.randint(6, 36)}


def _new_company(build: _Build, sector: Sector, stage: Stage, park: Park, *, showcase: bool = False) -> _Company:
    rng, facts, words = build.rng, STAGE_FACTS[stage.code], SECTOR_WORDS[sector.code]
    name = _company_name(build, words)
    late = stage.code in ("series_c_plus", "pre_ipo")
    has_website = showcase or stage.code != "concept" or rng.random() < 0.5
    team_size = round(math.exp(rng.uniform(math.log(facts.team[0]), math.log(facts.team[1]))))
    revenue_band = RevenueBand.FROM_1M if showcase else _revenue_band(rng, facts, words)
    startup = Startup(
        name=name.legal(rng, late), name_en=name.english, website=name.website() if has_website else None,
        park=park, stage=stage, founded_on=_days_from_reference(-round(365 * rng.uniform(*facts.age_years))),
        team_size=team_size, revenue_band=revenue_band,
        # two in three early companies look for an incubator (drawn from the team size: no new draw,
        # so the rest of the demo stays as it was)
        seeking_incubation=stage.code in ("concept", "seed", "pre_a") and team_size % 3 != 0,
    )
    figures = _confidential_figures(rng, revenue_band, team_size) if showcase or rng.random() < 0.85 else {}
    sectors = [sector, *_secondary_sectors(build, sector, 2 if showcase else rng.choices((0, 1, 2), (4, 4, 2))[0])]
    build.links.extend(_LinkRow(startup_sectors, startup, {"sector_id": s.id, "position": position})
                       for position, s in enumerate(sectors, start=1))
    tag_names = rng.sample([t for s in sectors for t in SECTOR_WORDS[s.code].tags], rng.randint(1, 3))
    if rng.random() < 0.3:
        tag_names.append(rng.choice(COMMON_TAGS))
    startup.tags = [build.tag(t) for t in dict.fromkeys(tag_names)]
    return _Company(startup, sectors, words, name.brand, name.short, rng.sample(words.products, 2),
                    rng.choice(TEAM_ORIGINS), figures)


def _park_for(build: _Build, sector: Sector) -> Park:
    """Startups cluster in the parks that lead in their sector, and in the core park."""
    weights = [1 + 4 * (sector in park.leading_industries) + 2 * (park.code == LOGIN_PARK) for park in build.ref.parks]
    return build.rng.choices(build.ref.parks, weights)[0]


def _companies(build: _Build) -> list[_Company]:
    """The showcase company first, then startups covering every sector, stage and park."""
    rng, ref = build.rng, build.ref
    count = STARTUP_COUNT - 1
    sectors = _covering(rng, ref.sectors, [SECTOR_WORDS[s.code].weight for s in ref.sectors], count)
    stages = _covering(rng, ref.stages, [STAGE_FACTS[s.code].weight for s in ref.stages], count)
    parks_once = rng.sample(ref.parks, len(ref.parks))
    showcase = _new_company(build, ref.sector("integrated_circuits"), ref.stage("series_a"), ref.park(LOGIN_PARK),
                            showcase=True)
    others = [
        _new_company(build, sector, stage, parks_once[i] if i < len(parks_once) else _park_for(build, sector))
        for i, (sector, stage) in enumerate(zip(sectors, stages))
    ]
    return [showcase, *others]


# --- Enterprise tiers -----------------------------------------------------------------------

TIER_QUOTAS: tuple[tuple[EnterpriseTier, int, tuple[str, ...]], ...] = (
    # tier, how many, at which stages; scarce labels first
    (EnterpriseTier.TECH_LEADER, 2, ("pre_ipo",)),
    (EnterpriseTier.CHAIN_LEADER, 2, ("pre_ipo",)),
    (EnterpriseTier.UNICORN, 6, ("series_c_plus", "pre_ipo")),
    (EnterpriseTier.HIDDEN_CHAMPION, 6, ("series_c_plus", "pre_ipo")),
    (EnterpriseTier.LITTLE_GIANT, 10, ("series_b", "series_c_plus", "pre_ipo")),
    (EnterpriseTier.SPECIALISED, 48, ("series_a", "series_b", "series_c_plus", "pre_ipo")),
)
HIGH_TECH_SHARE = {"seed": 0.05, "pre_a": 0.25, "series_a": 0.5, "series_b": 0.7, "series_c_plus": 0.85,
                   "pre_ipo": 0.95}
UNDATED_TIERS = (EnterpriseTier.TECH_LEADER, EnterpriseTier.CHAIN_LEADER, EnterpriseTier.UNICORN)


def _tier(rng: random.Random, tier: EnterpriseTier) -> StartupTier:
    """Certified labels last three years: some have lapsed by the reference date."""
    valid_until = None if tier in UNDATED_TIERS else _days_from_reference(rng.randint(-240, 1000))
    return StartupTier(tier=tier, valid_until=valid_until)


def _award_tiers(build: _Build, companies: list[_Company]) -> None:
    rng = build.rng
    showcase, *others = companies
    showcase.startup.tiers = [StartupTier(tier=EnterpriseTier.HIGH_TECH, valid_until=_days_from_reference(700)),
                              StartupTier(tier=EnterpriseTier.SPECIALISED, valid_until=_days_from_reference(500))]
    for tier, count, stages in TIER_QUOTAS:
        eligible = [c for c in others if c.stage_code in stages]
        for company in rng.sample(eligible, min(count, len(eligible))):
            company.startup.tiers.append(_tier(rng, tier))
    for company in others:
        if rng.random() < HIGH_TECH_SHARE.get(company.stage_code, 0):
            company.startup.tiers.append(_tier(rng, EnterpriseTier.HIGH_TECH))


# --- IP assets ------------------------------------------------------------------------------

GRANT_LAG_DAYS = {IPKind.INVENTION: (540, 1100), IPKind.UTILITY_MODEL: (150, 360), IPKind.DESIGN: (120, 300),
                  IPKind.SOFTWARE_COPYRIGHT: (30, 90)}
APPRAISAL_YUAN = {IPKind.INVENTION: (800_000, 8 * M), IPKind.UTILITY_MODEL: (100_000, 1 * M),
                  IPKind.DESIGN: (50_000, 300_000), IPKind.SOFTWARE_COPYRIGHT: (100_000, 1_500_000)}
DESIGN_TERM_CHANGE = date(2021, 6, 1)  # the patent law raised design patents from 10 to 15 years


def _ip_number(build: _Build, kind: IPKind, filed_on: date, granted_on: date | None) -> str:
    while True:
        serial = build.rng.randint(1, 1_999_999)  # about as many as are filed in a year
        if kind == IPKind.SOFTWARE_COPYRIGHT:
            number = software_copyright_number((granted_on or filed_on).year, serial)
        else:
            number = patent_number(filed_on.year, kind, serial)
        if (kind, number) not in build.taken_ip:
            build.taken_ip.add((kind, number))
            return number


def _expiry(kind: IPKind, filed_on: date) -> date:
    """Patents run from filing; software copyright to the end of the 50th year after publication."""
    if kind == IPKind.SOFTWARE_COPYRIGHT:
        return date(filed_on.year + 50, 12, 31)
    if kind == IPKind.DESIGN:
        return _years_after(filed_on, 15 if filed_on >= DESIGN_TERM_CHANGE else 10)
    return _years_after(filed_on, 20 if kind == IPKind.INVENTION else 10)


def _ip_title(rng: random.Random, company: _Company, kind: IPKind) -> str:
    product, craft = rng.choice(company.products), company.words.craft
    if kind == IPKind.INVENTION:
        return f"一种{product}的{rng.choice(craft.invention_aspects)}"
    if kind == IPKind.UTILITY_MODEL:
        return f"一种用于{product}的{rng.choice(craft.utility_parts)}"
    if kind == IPKind.DESIGN:
        return f"{product}（{rng.choice('ABCDEGHKMRSTX')}{rng.randint(1, 9)}）"
    if product.endswith(("平台", "系统", "引擎", "服务", "SaaS", "模型", "算法")):
        suffix = "软件"
    else:
        suffix = rng.choice(("管理平台", "控制软件", "数据分析系统", "嵌入式软件"))
    return f"{company.brand}{product}{suffix}V{rng.randint(1, 4)}.0"


def _ip_status(rng: random.Random, granted_on: date | None, expires_on: date | None) -> IPStatus:
    if granted_on is None:
        return IPStatus.FILED
    if expires_on is not None and expires_on <= REFERENCE_DATE:
        return IPStatus.EXPIRED
    return IPStatus.INVALIDATED if rng.random() < 0.03 else IPStatus.GRANTED


def _ip_asset(build: _Build, company: _Company, kind: IPKind) -> IPAsset:
    """Filed since the company's founding, or up to two years before it (a university's patent, assigned)."""
    rng = build.rng
    assert company.startup.founded_on is not None
    filed_on = _day_between(rng, _years_after(company.startup.founded_on, -2), _days_from_reference(-45))
    granted = filed_on + timedelta(days=rng.randint(*GRANT_LAG_DAYS[kind]))
    granted_on = granted if granted <= REFERENCE_DATE else None
    expires_on = _expiry(kind, filed_on) if granted_on else None
    status = _ip_status(rng, granted_on, expires_on)
    asset = IPAsset(startup=company.startup, kind=kind, number=_ip_number(build, kind, filed_on, granted_on),
                    title=_ip_title(rng, company, kind), status=status, filed_on=filed_on,
                    granted_on=granted_on, expires_on=expires_on)
    if status == IPStatus.GRANTED and granted_on and rng.random() < 0.85:
        asset.appraised_value = _money_between(rng, *APPRAISAL_YUAN[kind])
        asset.appraised_on = _day_between(rng, max(granted_on, _days_from_reference(-540)), REFERENCE_DATE)
    return asset


def _add_ip_assets(build: _Build, company: _Company, *, showcase: bool = False) -> None:
    rng = build.rng
    if showcase:
        kinds = [*[IPKind.INVENTION] * 3, *[IPKind.UTILITY_MODEL] * 2, IPKind.SOFTWARE_COPYRIGHT]
    else:
        count = rng.randint(*STAGE_FACTS[company.stage_code].ip_count)
        kinds = rng.choices(list(IPKind), company.words.craft.ip_kind_weights, k=count)
    company.ip_assets = [_ip_asset(build, company, kind) for kind in kinds]


# --- Funding needs --------------------------------------------------------------------------


def _instrument_weights(company: _Company) -> dict[Instrument, float]:
    facts = STAGE_FACTS[company.stage_code]
    can_borrow = facts.loan[1] > 0
    has_ip = any(a.status == IPStatus.GRANTED for a in company.ip_assets)
    return {
        Instrument.EQUITY: 6,
        Instrument.LINKED_LOAN: 2 if can_borrow and company.stage_code != "seed" else 0,
        Instrument.IP_PLEDGE_LOAN: 2 if can_borrow and has_ip else 0,
        Instrument.CREDIT_LOAN: 1.5 if can_borrow else 0,
    }


def _need_amounts(rng: random.Random, company: _Company, instrument: Instrument) -> tuple[int, int]:
    facts = STAGE_FACTS[company.stage_code]
    low, high = facts.equity_round if instrument == Instrument.EQUITY else facts.loan
    share = 0.5 if instrument == Instrument.IP_PLEDGE_LOAN else 1  # pledged IP is worth less than a credit line
    amount_max = _money_between(rng, low * share, high * share)
    return _round_money(amount_max * rng.uniform(0.5, 0.8)), amount_max


def _need_texts(rng: random.Random, company: _Company, instrument: Instrument, amount: int) -> tuple[str, str, str]:
    """The title, summary and use of funds, in Chinese."""
    facts, craft = STAGE_FACTS[company.stage_code], company.words.craft
    product, customer = company.products[0], rng.choice(company.words.customers)
    round_zh = facts.round_zh
    traction = (facts.trial if company.words.clinical else facts.traction).format(
        customer=customer, growth=rng.choice((40, 60, 80, 120)))
    intro = (f"{company.short_name}专注于{product}的研发与产业化，核心团队来自{company.team_origin}。"
             f"{traction}。")
    if instrument == Instrument.EQUITY:
        research = rng.choice((40, 45, 50, 55, 60))
        market = rng.choice((20, 25, 30))
        return (rng.choice((f"{product}项目{round_zh}融资", f"{company.short_name}{round_zh}融资",
                            f"{product}{craft.milestone}{round_zh}融资")),
                intro + f"本轮计划融资{_yuan_zh(amount)}，主要用于{rng.choice(craft.equity_uses)}。",
                f"研发投入约{research}%，市场拓展约{market}%，补充流动资金约{100 - research - market}%。")
    if instrument == Instrument.LINKED_LOAN:
        return (f"{round_zh}配套投贷联动贷款：{product}产能建设",
                intro + f"本轮股权融资已有机构确认领投，拟同步申请投贷联动贷款{_yuan_zh(amount)}。",
                f"与本轮股权融资配套，用于{product}产线建设、设备采购及流动资金周转。")
    if instrument == Instrument.IP_PLEDGE_LOAN:
        granted = sum(a.status == IPStatus.GRANTED for a in company.ip_assets)
        return (f"{company.short_name}知识产权质押融资",
                intro + f"公司拥有{granted}项有效知识产权，拟以核心知识产权质押融资{_yuan_zh(amount)}。",
                f"补充研发投入，支付{craft.research_costs}费用。")
    return (f"{product}订单交付流动资金贷款",
            intro + f"公司经营稳健、订单充足，申请信用贷款{_yuan_zh(amount)}。",
            "原材料采购、支付供应商货款及订单交付。")


NEED_TEXTS_EN = {  # title, summary, use of funds
    Instrument.EQUITY: (
        "{stage} round for {name}",
        "{name}, in {sector}, is raising {amount} at the {stage} stage, mostly for research and development.",
        "Research and development, market expansion and working capital."),
    Instrument.LINKED_LOAN: (
        "Investment-linked loan with the {stage} round for {name}",
        "An investor has confirmed it will lead the {stage} round of {name}; alongside it the company applies "
        "for an investment-linked loan of {amount}.",
        "With the equity round: the production line, equipment and working capital."),
    Instrument.IP_PLEDGE_LOAN: (
        "IP-pledge financing for {name}",
        "{name}, in {sector}, holds {granted} and seeks {amount} pledged against its core IP.",
        "Research and development costs."),
    Instrument.CREDIT_LOAN: (
        "Working-capital loan for order deliveries of {name}",
        "{name}, in {sector}, runs steadily on a full order book and applies for a credit loan of {amount}.",
        "Raw materials, payments to suppliers and order delivery."),
}


def _need_texts_en(company: _Company, instrument: Instrument, amount: int) -> dict[str, str]:
    """The English title, summary and use of funds, from the company's English name, sector and
    stage (no draw from the random sequence, which the rest of the demo follows)."""
    stage = company.startup.stage
    assert stage is not None
    granted = sum(a.status == IPStatus.GRANTED for a in company.ip_assets)
    values = {"name": company.startup.name_en, "stage": stage.name_en, "sector": company.sectors[0].name_en,
              "amount": _yuan_en(amount), "granted": f"{granted} granted IP asset{'' if granted == 1 else 's'}"}
    title, summary, use_of_funds = (text.format(**values) for text in NEED_TEXTS_EN[instrument])
    return {"title_en": title, "summary_en": summary, "use_of_funds_en": use_of_funds}


def _need(build: _Build, company: _Company, instrument: Instrument, status: NeedStatus) -> FundingNeed:
    rng = build.rng
    amount_min, amount_max = _need_amounts(rng, company, instrument)
    title, summary, use_of_funds = _need_texts(rng, company, instrument, amount_max)
    past = status in (NeedStatus.CLOSED, NeedStatus.FUNDED)
    # a closed round ended before the reference day; an open one runs on for months from the load's
    # day, as its posting day does (``_posted``): a deadline passed takes a need off the deal flow
    days = -rng.randint(10, 200) if past else rng.randint(30, 180)
    deadline = _days_from_reference(days) if past else clock.today() + timedelta(days=days)
    need = FundingNeed(
        startup=company.startup, instrument=instrument, title=title, summary=summary, amount_min=amount_min,
        amount_max=amount_max, stage=company.startup.stage, use_of_funds=use_of_funds, deadline=deadline,
        status=status, sectors=company.sectors[:rng.randint(1, len(company.sectors))], **company.figures,
        **_need_texts_en(company, instrument, amount_max),
    )
    need.search_text = need_search_text(need)
    need.created_at = need.updated_at = _posted(title, closed_by=deadline if past else None)
    return need


def _posted(title: str, *, within_days: int = 49, weeks_ago: int = 2, closed_by: date | None = None) -> datetime:
    """When a need was posted: an open one ``weeks_ago`` and up to ``within_days`` more (before the
    deals ``demo_deals`` dates back a fortnight), a closed one two months and more before its
    deadline. Drawn from the title, by the hour, so that the load's random sequence (which the rest
    of the demo follows) is left as it was."""
    hours = timedelta(hours=zlib.crc32(title.encode()) % (within_days * 24))
    if closed_by is not None:
        return datetime.combine(closed_by, time(9), UTC) - timedelta(days=60) - hours
    return utcnow() - timedelta(weeks=weeks_ago, hours=1) - hours


def _add_needs(build: _Build, company: _Company, *, showcase: bool = False) -> None:
    rng = build.rng
    if showcase:
        instruments = [Instrument.EQUITY, Instrument.LINKED_LOAN, Instrument.IP_PLEDGE_LOAN]
        statuses = [NeedStatus.OPEN] * len(instruments)
    else:
        instruments = _weighted_sample(rng, _instrument_weights(company), rng.choices((1, 2, 3), (5, 3, 2))[0])
        statuses = rng.choices(list(NEED_STATUS_WEIGHTS), list(NEED_STATUS_WEIGHTS.values()), k=len(instruments))
    company.needs = [_need(build, company, i, s) for i, s in zip(instruments, statuses)]


# --- Incubators -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IncubatorModel:
    """University park, incubator, accelerator, industrial base: the rungs of relay incubation."""

    first_stages: tuple[str, ...]
    last_stages: tuple[str, ...]
    services: tuple[IncubatorService, ...]
    seats_zh: str
    seats_en: str
    conditions: tuple[tuple[str, str], ...]  # each in Chinese and in English


MOVE_IN = ("入驻后12个月内将注册地迁入{park}", "registered address moved to {park} within 12 months of joining")
EARLY_CONDITIONS = (("核心团队不少于3人且全职投入", "a core team of at least three, working full time"),
                    ("拥有自主知识产权或核心技术", "intellectual property or core technology of its own"), MOVE_IN,
                    ("接受孵化器跟投（持股不超过5%）", "a co-investment by the incubator (a stake of at most 5%)"),
                    ("通过专家评审与路演答辩", "passing an expert review and a pitch"))
GROWTH_CONDITIONS = (MOVE_IN,
                     ("由上一阶段孵化器出具接力孵化推荐意见", "a relay-incubation referral from the previous incubator"),
                     ("研发投入占营收比例不低于10%", "R&D spending of at least 10% of revenue"),
                     ("上一年度营业收入不低于500万元", "revenue of at least CNY 5M last year"),
                     ("已完成至少一轮机构融资", "at least one institutional funding round completed"))
INCUBATOR_MODELS = {
    "university": IncubatorModel(
        ("concept",), ("seed", "pre_a"),
        (IncubatorService.CONCEPT_VERIFICATION, IncubatorService.SHARED_LABS, IncubatorService.IP,
         IncubatorService.POLICY, IncubatorService.TALENT),
        "概念验证项目入驻名额", "proof-of-concept places", EARLY_CONDITIONS),
    "incubator": IncubatorModel(
        ("concept", "seed"), ("pre_a", "series_a"),
        (IncubatorService.SHARED_LABS, IncubatorService.FINANCE, IncubatorService.LEGAL, IncubatorService.IP,
         IncubatorService.POLICY, IncubatorService.TALENT),
        "初创企业孵化席位", "startup incubation seats", EARLY_CONDITIONS),
    "accelerator": IncubatorModel(
        ("pre_a",), ("series_a", "series_b"),
        (IncubatorService.FINANCE, IncubatorService.MARKET, IncubatorService.LEGAL, IncubatorService.TALENT),
        "成长期企业加速席位", "growth-stage acceleration seats", GROWTH_CONDITIONS),
    "industrial": IncubatorModel(
        ("series_a",), ("series_b", "series_c_plus"),
        (IncubatorService.PILOT_TESTING, IncubatorService.INSPECTION_TESTING, IncubatorService.MARKET,
         IncubatorService.FINANCE),
        "产业化落地空间", "industrial scale-up space", GROWTH_CONDITIONS),
}


class IncubatorSpec(NamedTuple):
    name: str
    name_en: str
    park: str
    model: str
    sectors: tuple[str, ...]


INCUBATORS = tuple(IncubatorSpec(*spec) for spec in (  # the second is the demo login's
    ("张江药谷创新孵化器", "Zhangjiang Pharma Valley Incubator", "zhangjiang_core", "incubator",
     ("biomedicine", "life_health", "future_health")),
    ("张江芯片设计孵化基地", "Zhangjiang Chip Design Incubation Base", "zhangjiang_core", "incubator",
     ("integrated_circuits", "electronic_information")),
    ("张江人工智能岛加速器", "Zhangjiang AI Island Accelerator", "zhangjiang_core", "accelerator",
     ("artificial_intelligence", "future_intelligence", "digital_economy")),
    ("杨浦高校科技园", "Yangpu University Science Park", "yangpu", "university",
     ("artificial_intelligence", "life_health", "digital_economy")),
    ("紫竹高校创新孵化中心", "Zizhu University Innovation Centre", "zizhu", "university",
     ("integrated_circuits", "artificial_intelligence", "future_materials")),
    ("闵行概念验证中心", "Minhang Proof-of-Concept Centre", "minhang", "university",
     ("high_end_equipment", "biomedicine", "future_energy")),
    ("漕河泾创新创业加速器", "Caohejing Startup Accelerator", "caohejing", "accelerator",
     ("electronic_information", "artificial_intelligence", "digital_economy")),
    ("嘉定智能汽车孵化器", "Jiading Smart Vehicle Incubator", "jiading", "incubator",
     ("automotive", "smart_terminals", "integrated_circuits")),
    ("临港硬科技产业加速器", "Lingang Hard-Tech Accelerator", "lingang", "industrial",
     ("high_end_equipment", "future_space", "automotive")),
    ("金桥智能终端孵化器", "Jinqiao Smart Devices Incubator", "jinqiao", "incubator",
     ("smart_terminals", "electronic_information", "metaverse")),
    ("宝山新材料中试基地", "Baoshan New Materials Pilot Base", "baoshan", "industrial",
     ("advanced_materials", "future_materials")),
    ("金山化工新材料孵化器", "Jinshan Chemical Materials Incubator", "jinshan", "incubator",
     ("advanced_materials", "green_low_carbon")),
    ("奉贤美丽健康产业加速器", "Fengxian Beauty and Health Accelerator", "fengxian", "accelerator",
     ("fashion_consumer_goods", "biomedicine")),
    ("松江G60科创孵化器", "Songjiang G60 Sci-Tech Incubator", "songjiang", "incubator",
     ("electronic_information", "high_end_equipment")),
    ("青浦数字经济孵化器", "Qingpu Digital Economy Incubator", "qingpu", "incubator",
     ("digital_economy", "digital_transformation")),
    ("陆家嘴元宇宙创新中心", "Lujiazui Metaverse Innovation Centre", "lujiazui", "accelerator",
     ("metaverse", "digital_economy")),
    ("世博绿色低碳孵化器", "Expo Green Low-Carbon Incubator", "shibo", "incubator",
     ("green_low_carbon", "green_transformation", "future_energy")),
    ("徐汇滨江人工智能孵化器", "Xuhui Riverside AI Incubator", "xuhui", "incubator",
     ("artificial_intelligence", "life_health")),
    ("崇明生态科创孵化器", "Chongming Eco-Tech Incubator", "chongming", "incubator",
     ("green_low_carbon", "life_health")),
    ("长宁时尚数字孵化器", "Changning Fashion and Digital Incubator", "changning", "incubator",
     ("fashion_consumer_goods", "digital_economy")),
))
LOGIN_INCUBATOR = 1
INCUBATOR_TIER_COUNTS = {IncubatorTier.HIGH_QUALITY: 5, IncubatorTier.NATIONAL: 5, IncubatorTier.MUNICIPAL: 6,
                         IncubatorTier.OTHER: 4}


@dataclass
class _Hub:
    incubator: Incubator
    sectors: list[Sector]
    capacities: list[IncubationCapacity] = field(default_factory=list)


def _capacity(build: _Build, hub: _Hub, model: IncubatorModel, *, must_have_seats: bool) -> IncubationCapacity:
    rng, ref = build.rng, build.ref
    chosen = rng.sample(hub.sectors, rng.randint(1, len(hub.sectors)))
    sectors = [s for s in hub.sectors if s in chosen]
    past = not must_have_seats and rng.random() < 0.3
    starts_on = _days_from_reference(-rng.randint(400, 700) if past else -rng.randint(0, 240))
    seats_total = rng.randint(5, 30)
    full = not must_have_seats and not past and rng.random() < 0.25
    assert hub.incubator.park is not None
    conditions = rng.sample(model.conditions, rng.randint(2, 3))
    batch = rng.randint(1, 4)
    return IncubationCapacity(
        incubator=hub.incubator, sectors=sectors,
        title=f"{'、'.join(s.name_zh for s in sectors)}{model.seats_zh}（{starts_on.year}年第{batch}期）",
        title_en=f"{', '.join(s.name_en for s in sectors)} {model.seats_en} ({starts_on.year}, batch {batch})",
        stage_min=ref.stage(rng.choice(model.first_stages)), stage_max=ref.stage(rng.choice(model.last_stages)),
        seats_total=seats_total, seats_taken=seats_total if full or past else rng.randint(0, seats_total - 1),
        starts_on=starts_on, ends_on=_months_after(starts_on, rng.choice((12, 24))), is_open=not past,
        conditions="；".join(zh for zh, _ in conditions).format(park=hub.incubator.park.name_zh) + "。",
        conditions_en=_sentence("; ".join(en for _, en in conditions).format(park=hub.incubator.park.name_en)),
    )


def _hubs(build: _Build) -> list[_Hub]:
    rng, ref = build.rng, build.ref
    tiers = [tier for tier, count in INCUBATOR_TIER_COUNTS.items() for _ in range(count)]
    tiers.remove(IncubatorTier.HIGH_QUALITY)
    rng.shuffle(tiers)
    tiers.insert(LOGIN_INCUBATOR, IncubatorTier.HIGH_QUALITY)
    hubs = []
    for index, (spec, tier) in enumerate(zip(INCUBATORS, tiers)):
        model = INCUBATOR_MODELS[spec.model]
        build.unique_name(spec.name, spec.name_en)
        hub = _Hub(Incubator(name=spec.name, name_en=spec.name_en, park=ref.park(spec.park), tier=tier),
                   [ref.sector(code) for code in spec.sectors])
        extras = rng.sample([s for s in IncubatorService if s not in model.services], rng.randint(0, 2))
        build.links.extend(_LinkRow(incubator_services, hub.incubator, {"service": service})
                           for service in (*model.services, *extras))
        login = index == LOGIN_INCUBATOR
        hub.capacities = [_capacity(build, hub, model, must_have_seats=login or rng.random() < 0.6)
                          for _ in range(rng.randint(2, 3) if login else rng.randint(1, 3))]
        hubs.append(hub)
    return hubs


# --- Investors ------------------------------------------------------------------------------

VC_COUNT, ANGEL_COUNT, CVC_COUNT = 30, 12, 9  # and a guidance fund per GUIDANCE_FUNDS
VC_HEADS = _syllables("元yuan 鼎ding 弘hong 蓝lan 凯kai 君jun 德de 远yuan 朴pu 松song 东dong 毅yi 汇hui 磐pan "
                      "砺li 嘉jia 同tong 高gao")
VC_SUFFIXES = (("资本", "Capital"), ("创投", "Ventures"), ("投资", "Investments"), ("创业投资", "Venture Partners"),
               ("私募基金", "Private Equity"))
ANGEL_FUND_SUFFIXES = (("天使基金", "Angel Fund"), ("种子基金", "Seed Fund"), ("天使投资", "Angels"))
CVC_SUFFIXES = (("产业基金", "Industrial Fund"), ("战略投资", "Strategic Investment"),
                ("创新投资", "Innovation Ventures"))
SURNAMES = _syllables("王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 周zhou 吴wu 徐xu 孙sun 朱zhu 胡hu 郭guo "
                      "林lin 何he 高gao 罗luo")
GIVEN_NAMES = (("晓峰", "Xiaofeng"), ("明远", "Mingyuan"), ("志强", "Zhiqiang"), ("慧敏", "Huimin"), ("文杰", "Wenjie"),
               ("静怡", "Jingyi"), ("浩然", "Haoran"), ("雨桐", "Yutong"), ("立新", "Lixin"), ("海涛", "Haitao"),
               ("佳琪", "Jiaqi"), ("建华", "Jianhua"), ("子轩", "Zixuan"), ("思远", "Siyuan"), ("国栋", "Guodong"))


class GuidanceFundSpec(NamedTuple):
    name: str
    name_en: str
    parks: tuple[str, ...]
    sectors: tuple[str, ...]
    sector_groups: tuple[SectorGroup, ...]


GUIDANCE_FUNDS = tuple(GuidanceFundSpec(*spec) for spec in (
    ("张江科创引导基金", "Zhangjiang Sci-Tech Guidance Fund", ("zhangjiang_core",),
     ("integrated_circuits", "biomedicine", "artificial_intelligence"), ()),
    ("浦东新区科技创新引导基金", "Pudong Innovation Guidance Fund", ("zhangjiang_core", "jinqiao", "lujiazui", "shibo"),
     (), (SectorGroup.LEADING, SectorGroup.NEW_TRACK)),
    ("上海集成电路产业引导基金", "Shanghai IC Industry Guidance Fund", (),
     ("integrated_circuits", "electronic_information", "advanced_materials"), ()),
    ("上海生物医药产业引导基金", "Shanghai Biomedicine Guidance Fund", (),
     ("biomedicine", "life_health", "future_health"), ()),
    ("上海人工智能产业引导基金", "Shanghai AI Industry Guidance Fund", (),
     ("artificial_intelligence", "future_intelligence", "digital_economy"), ()),
    ("上海未来产业种子基金", "Shanghai Future Industries Seed Fund", (), (), (SectorGroup.FUTURE,)),
    ("临港新片区产业引导基金", "Lingang Industry Guidance Fund", ("lingang",),
     ("integrated_circuits", "automotive", "high_end_equipment", "future_space"), ()),
    ("闵行区天使投资引导基金", "Minhang Angel Guidance Fund", ("minhang", "zizhu"), (), (SectorGroup.LEADING,)),
    ("嘉定区创新创业引导基金", "Jiading Innovation Guidance Fund", ("jiading",),
     ("automotive", "smart_terminals", "integrated_circuits"), ()),
))
KIND_PITCH_ZH = {
    InvestorKind.ANGEL: "偏好技术背景深厚的早期创始团队，可提供创业辅导与早期资源对接。",
    InvestorKind.VC: "看重核心技术壁垒与规模化能力，可在后续轮次持续跟投并导入产业资源。",
    InvestorKind.CVC: "依托母公司产业链，为被投企业提供应用场景、供应链与渠道支持。",
    InvestorKind.GUIDANCE_FUND: "坚持投早、投小、投硬科技、投长期，通过子基金与直投引导社会资本支持园区科技企业。",
}
NOT_HARD_TECH = ("digital_transformation", "fashion_consumer_goods", "digital_economy", "metaverse")


@dataclass
class _Fund:
    investor: Investor
    thesis: InvestorThesis


def _brand_name(build: _Build, heads: Sequence[tuple[str, str]], suffixes: Sequence[tuple[str, str]],
                middle: tuple[str, str] = ("", "")) -> tuple[str, str]:
    """A fund or group name, e.g. 鼎澜资本 / Dinglan Capital."""
    rng = build.rng
    while True:
        head, tail = rng.choice(heads), rng.choice(TAILS)
        suffix, suffix_en = rng.choice(suffixes)
        name = f"{head[0]}{tail[0]}{middle[0]}{suffix}"
        name_en = " ".join(filter(None, ((head[1] + tail[1]).capitalize(), middle[1], suffix_en)))
        if head[0] != tail[0] and tail[0] not in suffix and build.unique_name(name, name_en):
            return name, name_en


def _person_name(build: _Build) -> tuple[str, str]:
    rng = build.rng
    while True:
        surname, given = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
        name = f"{surname[0]}{given[0]}（天使投资人）"
        name_en = f"{surname[1].capitalize()} {given[1]} (angel investor)"
        if build.unique_name(name, name_en):
            return name, name_en


def _hard_tech(sectors: Sequence[Sector]) -> bool:
    return bool(sectors) and all(s.code not in NOT_HARD_TECH for s in sectors)


def _popular_sectors(build: _Build, count: int, first: Sector | None = None) -> list[Sector]:
    weights = {s: SECTOR_WORDS[s.code].weight for s in build.ref.sectors if s is not first}
    return ([first] if first else []) + _weighted_sample(build.rng, weights, count - bool(first))


def _partners(build: _Build, hubs: list[_Hub], sectors: list[Sector], parks: list[Park], count: int) -> list[Incubator]:
    """Incubators an investor co-invests with (孵投联动): those sharing its sectors or parks first."""
    weights = {hub.incubator: 1 + 3 * bool(set(hub.sectors) & set(sectors)) + 3 * (hub.incubator.park in parks)
               for hub in hubs}
    return _weighted_sample(build.rng, weights, count)


def _thesis_summary(thesis: InvestorThesis, kind: InvestorKind, groups: Sequence[SectorGroup]) -> str:
    focus = "、".join([s.name_zh for s in thesis.sectors[:4]] + [SECTOR_GROUP_ZH[g] for g in groups])
    stages = thesis.stages
    span = stages[0].name_zh if len(stages) == 1 else f"{stages[0].name_zh}至{stages[-1].name_zh}"
    return (f"重点关注{focus}领域{span}阶段的科技企业，单笔投资{_yuan_zh(thesis.ticket_min)}"
            f"至{_yuan_zh(thesis.ticket_max)}。{KIND_PITCH_ZH[kind]}")


def _stage_window(build: _Build, firsts: Sequence[str], last: str, length: tuple[int, int]) -> list[Stage]:
    start = STAGE_CODES.index(build.rng.choice(firsts))
    end = min(start + build.rng.randint(*length) - 1, STAGE_CODES.index(last))
    return build.ref.stages[start:end + 1]


def _tickets(rng: random.Random, stages: list[Stage], share: float) -> tuple[int, int]:
    """What one cheque covers: a share of the rounds at the window's ends."""
    low = STAGE_FACTS[stages[0].code].equity_round[0] * share
    high = STAGE_FACTS[stages[-1].code].equity_round[1] * share
    return _round_money(low * rng.uniform(0.5, 1)), _round_money(high * rng.uniform(0.6, 1))


def _fund(build: _Build, investor: Investor, thesis: InvestorThesis, groups: Sequence[SectorGroup] = ()) -> _Fund:
    thesis.investor = investor
    thesis.summary = _thesis_summary(thesis, investor.investor_kind, groups)
    build.links.extend(_LinkRow(thesis_sector_groups, thesis, {"sector_group": g}) for g in groups)
    return _Fund(investor, thesis)


class _Focus(NamedTuple):
    sectors: list[Sector]
    groups: list[SectorGroup]
    stages: list[Stage]
    parks: list[Park]
    partners: list[Incubator]


def _vc_focus(build: _Build, hubs: list[_Hub]) -> _Focus:
    """Sectors (or whole sector groups), a window of stages, sometimes parks and partner incubators."""
    rng = build.rng
    if rng.random() < 0.15:
        groups = rng.sample([SectorGroup.LEADING, SectorGroup.KEY, SectorGroup.NEW_TRACK, SectorGroup.FUTURE],
                            rng.randint(1, 2))
        sectors = []
    else:
        groups, sectors = [], _popular_sectors(build, rng.randint(2, 5))
    stages = _stage_window(build, ("seed", "seed", "pre_a", "series_a", "series_b"), "pre_ipo", (2, 4))
    parks = rng.sample(build.ref.parks, rng.randint(1, 3)) if rng.random() < 0.3 else []
    partners = _partners(build, hubs, sectors, parks, rng.randint(1, 2)) if rng.random() < 0.4 else []
    return _Focus(sectors, groups, stages, parks, partners)


def _login_vc_focus(build: _Build, hubs: list[_Hub], showcase: _Company) -> _Focus:
    """The demo investor's: the showcase company and the demo incubator are right in it."""
    assert showcase.startup.park is not None
    login_incubator = hubs[LOGIN_INCUBATOR].incubator
    partners = [login_incubator, *_partners(build, [h for h in hubs if h.incubator is not login_incubator],
                                            showcase.sectors, [showcase.startup.park], 1)]
    return _Focus(_popular_sectors(build, 4, showcase.sectors[0]), [], build.ref.stages_between("pre_a", "series_b"),
                  [showcase.startup.park], partners)


def _vc(build: _Build, name: tuple[str, str], focus: _Focus) -> _Fund:
    rng = build.rng
    ticket_min, ticket_max = _tickets(rng, focus.stages, 0.4)
    thesis = InvestorThesis(
        ticket_min=ticket_min, ticket_max=ticket_max, fund_size=_money_between(rng, 500 * M, 10_000 * M),
        invests_early=focus.stages[0].code in ("concept", "seed"), invests_small=ticket_max <= 30 * M,
        invests_hard_tech=_hard_tech(focus.sectors) and rng.random() < 0.8, invests_long_term=rng.random() < 0.2,
        sectors=focus.sectors, stages=focus.stages, parks=focus.parks, partner_incubators=focus.partners,
    )
    investor = Investor(name=name[0], name_en=name[1], investor_kind=InvestorKind.VC)
    return _fund(build, investor, thesis, focus.groups)


def _angel(build: _Build, hubs: list[_Hub], person: bool) -> _Fund:
    rng = build.rng
    name, name_en = _person_name(build) if person else _brand_name(build, VC_HEADS, ANGEL_FUND_SUFFIXES)
    sectors = _popular_sectors(build, rng.randint(1, 3))
    stages = _stage_window(build, ("concept", "seed"), "pre_a", (2, 3))
    parks = [rng.choice(build.ref.parks)] if rng.random() < 0.3 else []
    ticket_max = _money_between(rng, 500_000, 1 * M if person else 3 * M)
    thesis = InvestorThesis(
        ticket_min=_round_money(ticket_max * rng.uniform(0.1, 0.3)), ticket_max=ticket_max,
        fund_size=None if person else _money_between(rng, 20 * M, 200 * M),
        invests_early=True, invests_small=True,
        invests_hard_tech=_hard_tech(sectors),
        sectors=sectors, stages=stages, parks=parks,
        partner_incubators=_partners(build, hubs, sectors, parks, 1) if rng.random() < 0.4 else [],
    )
    return _fund(build, Investor(name=name, name_en=name_en, investor_kind=InvestorKind.ANGEL), thesis)


def _cvc(build: _Build, hubs: list[_Hub]) -> _Fund:
    """The venture arm of a tech leader, investing along its own industrial chain."""
    rng = build.rng
    anchor = rng.choices(build.ref.sectors, [SECTOR_WORDS[s.code].weight for s in build.ref.sectors])[0]
    name, name_en = _brand_name(build, SECTOR_WORDS[anchor.code].heads, CVC_SUFFIXES, ("集团", "Group"))
    sectors = [anchor, *_secondary_sectors(build, anchor, rng.randint(1, 2))]
    stages = _stage_window(build, ("pre_a", "series_a", "series_b"), "pre_ipo", (2, 4))
    parks = [rng.choice(build.ref.parks)] if rng.random() < 0.2 else []
    ticket_min, ticket_max = _tickets(rng, stages, 0.3)
    thesis = InvestorThesis(
        ticket_min=ticket_min, ticket_max=ticket_max, fund_size=_money_between(rng, 1_000 * M, 20_000 * M),
        invests_hard_tech=_hard_tech(sectors), invests_long_term=rng.random() < 0.6,
        sectors=sectors, stages=stages, parks=parks,
        partner_incubators=_partners(build, hubs, sectors, parks, 1) if rng.random() < 0.3 else [],
    )
    return _fund(build, Investor(name=name, name_en=name_en, investor_kind=InvestorKind.CVC), thesis)


def _guidance_fund(build: _Build, hubs: list[_Hub], spec: GuidanceFundSpec) -> _Fund:
    """A government guidance fund: early, small, hard tech, long term (投早、投小、投硬科技、投长期)."""
    rng, ref = build.rng, build.ref
    build.unique_name(spec.name, spec.name_en)
    parks = [ref.park(code) for code in spec.parks]
    sectors = [ref.sector(code) for code in spec.sectors]
    stages = _stage_window(build, ("concept", "seed"), "series_a", (3, 4))
    ticket_min, ticket_max = _tickets(rng, stages, 0.3)
    thesis = InvestorThesis(
        ticket_min=ticket_min, ticket_max=ticket_max, fund_size=_money_between(rng, 2_000 * M, 50_000 * M),
        invests_early=True, invests_small=True, invests_hard_tech=True, invests_long_term=True,
        sectors=sectors, stages=stages, parks=parks,
        partner_incubators=_partners(build, hubs, sectors, parks, rng.randint(2, 3)),
    )
    investor = Investor(name=spec.name, name_en=spec.name_en, investor_kind=InvestorKind.GUIDANCE_FUND)
    return _fund(build, investor, thesis, spec.sector_groups)


def _funds(build: _Build, hubs: list[_Hub], showcase: _Company) -> list[_Fund]:
    """The login's venture firm first, then the other firms, angels, CVCs and guidance funds."""
    login_vc = _vc(build, _brand_name(build, VC_HEADS, VC_SUFFIXES), _login_vc_focus(build, hubs, showcase))
    vcs = [_vc(build, _brand_name(build, VC_HEADS, VC_SUFFIXES), _vc_focus(build, hubs)) for _ in range(VC_COUNT - 1)]
    angels = [_angel(build, hubs, person=i % 2 == 0) for i in range(ANGEL_COUNT)]
    cvcs = [_cvc(build, hubs) for _ in range(CVC_COUNT)]
    guidance = [_guidance_fund(build, hubs, spec) for spec in GUIDANCE_FUNDS]
    return [login_vc, *vcs, *angels, *cvcs, *guidance]


# --- Banks ----------------------------------------------------------------------------------


class BankSpec(NamedTuple):
    name: str
    name_en: str
    brand: tuple[str, str]  # what its products are named after, in Chinese and in English
    park: str | None
    is_sci_tech_branch: bool


BANKS = tuple(BankSpec(*spec) for spec in (  # invented banks; the first is the demo login's
    ("浦江银行张江科技支行", "Pujiang Bank Zhangjiang Sci-Tech Sub-branch", ("浦江", "Pujiang"), "zhangjiang_core", True),
    ("申城商业银行科技支行", "Shencheng Commercial Bank Sci-Tech Sub-branch", ("申城", "Shencheng"), "zhangjiang_core", True),
    ("沪东农商银行张江科技支行", "Hudong Rural Commercial Bank Zhangjiang Sci-Tech Sub-branch", ("沪东", "Hudong"),
     "zhangjiang_core", True),
    ("东海银行漕河泾科技支行", "Donghai Bank Caohejing Sci-Tech Sub-branch", ("东海", "Donghai"), "caohejing", True),
    ("临港海湾银行科技支行", "Lingang Haiwan Bank Sci-Tech Sub-branch", ("海湾", "Haiwan"), "lingang", True),
    ("长三角发展银行紫竹科技支行", "YRD Development Bank Zizhu Sci-Tech Sub-branch", ("长三角", "YRD"), "zizhu", True),
    ("滨江银行杨浦科技支行", "Binjiang Bank Yangpu Sci-Tech Sub-branch", ("滨江", "Binjiang"), "yangpu", True),
    ("申江银行上海分行", "Shenjiang Bank Shanghai Branch", ("申江", "Shenjiang"), None, False),
    ("金桥商业银行上海分行", "Jinqiao Commercial Bank Shanghai Branch", ("金桥", "Jinqiao"), None, False),
    ("华亭银行上海分行", "Huating Bank Shanghai Branch", ("华亭", "Huating"), None, False),
))
INVESTOR_KIND_ZH = {InvestorKind.VC: "风险投资机构", InvestorKind.CVC: "产业资本",
                    InvestorKind.GUIDANCE_FUND: "政府引导基金", InvestorKind.ANGEL: "天使投资人"}
INVESTOR_KIND_EN = {InvestorKind.VC: "venture capital firms", InvestorKind.CVC: "corporate investors",
                    InvestorKind.GUIDANCE_FUND: "government guidance funds", InvestorKind.ANGEL: "angel investors"}
TIER_ZH = {EnterpriseTier.HIGH_TECH: "高新技术", EnterpriseTier.SPECIALISED: "专精特新",
           EnterpriseTier.LITTLE_GIANT: "专精特新“小巨人”"}
TIER_EN = {EnterpriseTier.HIGH_TECH: "high-tech", EnterpriseTier.SPECIALISED: "specialised and innovative",
           EnterpriseTier.LITTLE_GIANT: "“little giant”"}
PLEDGE_RATES = {  # rate range, and how often a product accepts the kind
    IPKind.INVENTION: ((0.30, 0.50), 1.0), IPKind.UTILITY_MODEL: ((0.20, 0.30), 0.8),
    IPKind.SOFTWARE_COPYRIGHT: ((0.15, 0.25), 0.7), IPKind.DESIGN: ((0.10, 0.20), 0.4),
}
Bilingual = tuple[str, str]  # (Chinese, English)
TIER_PRODUCTS = ((("专精特新贷", "Specialised SME Loan"), (EnterpriseTier.SPECIALISED, EnterpriseTier.LITTLE_GIANT)),
                 (("高企信用贷", "High-Tech Enterprise Credit Loan"), (EnterpriseTier.HIGH_TECH,)),
                 (("小巨人成长贷", "Little Giant Growth Loan"), (EnterpriseTier.LITTLE_GIANT,)))
CREDIT_NAMES = (("科技信用贷", "Tech Credit Loan"), ("科创快贷", "Sci-Tech Express Loan"), ("研发贷", "R&D Loan"))


def _product_name(brand: Bilingual, name: Bilingual) -> dict[str, str]:
    """A demo product's name in both languages: 浦江科技信用贷, Pujiang Tech Credit Loan."""
    return {"name": brand[0] + name[0], "name_en": f"{brand[1]} {name[1]}"}


def _rates(rng: random.Random, low: int, high: int) -> dict[str, int]:
    rate_min = rng.randrange(low, high + 1, 5)
    return {"rate_min_bps": rate_min, "rate_max_bps": rate_min + rng.randrange(50, 155, 5)}


def _linked_loan(build: _Build, brand: Bilingual) -> LoanProduct:
    """投贷联动: sized against an equity round led by a qualifying investor, sometimes with warrants."""
    rng = build.rng
    ratio = _share(rng, 0.2, 0.5)
    kinds = [InvestorKind.VC, *rng.sample([InvestorKind.CVC, InvestorKind.GUIDANCE_FUND], rng.randint(0, 2))]
    warrants = _share(rng, 0.05, 0.3) if rng.random() < 0.5 else None
    product = LoanProduct(
        kind=LoanKind.LINKED, **_product_name(brand, ("科创认股权贷", "Sci-Tech Warrant Loan") if warrants else
                                              ("投贷联动科创贷", "Equity-Linked Sci-Tech Loan")),
        amount_min=rng.choice((2, 3, 5)) * M, amount_max=rng.choice((20, 30, 50, 100)) * M,
        term_months=rng.choice((24, 36)), loan_to_equity_ratio=ratio, warrant_coverage=warrants,
        stages=build.ref.stages_between("pre_a", rng.choice(("series_c_plus", "pre_ipo"))),
        sectors=_popular_sectors(build, rng.randint(2, 4)) if rng.random() < 0.4 else [],
        **_rates(rng, 320, 420),
    )
    warrant_text = f"可附认股权安排（覆盖约{warrants:.0%}），" if warrants else ""
    product.description = (f"面向已获{'、'.join(INVESTOR_KIND_ZH[k] for k in kinds)}股权投资的科技企业，"
                           f"贷款额度按最近一轮股权融资金额的{ratio:.0%}核定，{warrant_text}"
                           f"期限{product.term_months}个月。")
    warrant_en = f" and may carry warrants (about {warrants:.0%} coverage)" if warrants else ""
    product.description_en = ("For tech companies with equity investment from "
                              f"{_either([INVESTOR_KIND_EN[k] for k in kinds])}. The loan is sized at {ratio:.0%} "
                              f"of the latest equity round{warrant_en}; the term is {product.term_months} months.")
    build.links.extend(_LinkRow(product_investor_kinds, product, {"investor_kind": k}) for k in kinds)
    return product


def _ip_pledge_loan(build: _Build, brand: Bilingual) -> LoanProduct:
    rng = build.rng
    rates = [PledgeRate(ip_kind=kind, rate=_share(rng, *span)) for kind, (span, accepted) in PLEDGE_RATES.items()
             if rng.random() < accepted]
    remaining_life = rng.choice((24, 36, 48, 60))
    invention = next(r.rate for r in rates if r.ip_kind == IPKind.INVENTION)
    return LoanProduct(
        kind=LoanKind.IP_PLEDGE, **_product_name(brand, rng.choice((
            ("知识产权质押贷", "IP Pledge Loan"), ("知识产权融资贷", "IP Financing Loan"),
            ("专利快贷", "Patent Express Loan")))),
        description=(f"以发明专利、实用新型、软件著作权等知识产权质押，发明专利按评估价值的{invention:.0%}放款，"
                     f"要求质押物剩余有效期不少于{remaining_life}个月，最快5个工作日审批。"),
        description_en=(f"Secured on IP such as invention patents, utility models and software copyrights, with "
                        f"invention patents lent at {invention:.0%} of their appraised value. The pledged IP must "
                        f"have at least {remaining_life} months of life left; approval in as little as 5 working "
                        f"days."),
        amount_min=rng.choice((500_000, 1 * M)), amount_max=rng.choice((10, 20, 30)) * M,
        term_months=rng.choice((12, 24, 36)), min_remaining_life_months=remaining_life,
        min_months_operating=12, pledge_rates=rates, stages=build.ref.stages_between("seed", "pre_ipo"),
        **_rates(rng, 350, 450),
    )


def _credit_loan(build: _Build, brand: Bilingual, name: Bilingual, tiers: Sequence[EnterpriseTier]) -> LoanProduct:
    rng = build.rng
    months = rng.choice((12, 24, 36))
    amount_max = rng.choice((3, 5, 10)) * M
    eligible = "、".join(TIER_ZH[t] for t in tiers) or "科技型中小"
    eligible_en = _either([TIER_EN[t] for t in tiers]) or "small and medium-sized tech"
    product = LoanProduct(
        kind=LoanKind.CREDIT, **_product_name(brand, name),
        description=f"纯信用、免抵押，面向成立满{months}个月的{eligible}企业，最高可贷{_yuan_zh(amount_max)}，随借随还。",
        description_en=(f"Unsecured credit, no collateral, for {eligible_en} companies at least {months} months "
                        f"old: up to {_yuan_en(amount_max)}, drawn and repaid as needed."),
        amount_min=rng.choice((300_000, 500_000, 1 * M)), amount_max=amount_max, term_months=12,
        min_months_operating=months, stages=build.ref.stages_between(rng.choice(("seed", "pre_a")), "pre_ipo"),
        sectors=_popular_sectors(build, rng.randint(3, 6)) if rng.random() < 0.5 else [],
        **_rates(rng, 380, 450),
    )
    build.links.extend(_LinkRow(product_tiers, product, {"tier": t}) for t in tiers)
    return product


def _bank(build: _Build, spec: BankSpec, *, login: bool) -> tuple[Bank, list[LoanProduct]]:
    """One product of each kind; some banks add a credit line for one enterprise tier."""
    rng = build.rng
    build.unique_name(spec.name, spec.name_en)
    bank = Bank(name=spec.name, name_en=spec.name_en, park=build.ref.park(spec.park) if spec.park else None,
                is_sci_tech_branch=spec.is_sci_tech_branch)
    base_tiers = [EnterpriseTier.HIGH_TECH] if rng.random() < 0.4 else []
    products = [_linked_loan(build, spec.brand), _ip_pledge_loan(build, spec.brand),
                _credit_loan(build, spec.brand, rng.choice(CREDIT_NAMES), base_tiers)]
    if not login and rng.random() < 0.6:
        products.append(_credit_loan(build, spec.brand, *rng.choice(TIER_PRODUCTS)))
    for product in products:
        product.bank = bank
    return bank, products


# --- Park operators and accounts ------------------------------------------------------------


def _operators(build: _Build) -> tuple[ParkOperator, list[ParkOperator]]:
    """The zone's administration, and one operator per park named as ``flask users create`` names them."""
    zone = ParkOperator(name="张江高新区管委会", name_en="Zhangjiang High-tech Zone Administration")
    parks = [ParkOperator(name=park.name_zh, name_en=park.name_en, park=park) for park in build.ref.parks]
    return zone, parks


def _user(organization: Organization, local_part: str, password_hash: str, *, is_admin: bool = False) -> User:
    return User(email=f"{local_part}@{EMAIL_DOMAIN}", password_hash=password_hash, organization=organization,
                is_admin=is_admin)


def _numbered_users(role: Role, organizations: Sequence[Organization], login: Organization,
                    password_hash: str) -> list[User]:
    return [_user(org, role.value if org is login else f"{role.value}-{number:03d}", password_hash)
            for number, org in enumerate(organizations, start=1)]


def _operator_users(zone: ParkOperator, park_operators: list[ParkOperator], password_hash: str) -> list[User]:
    """``operator-caohejing@...`` for each park, ``operator@...`` for the login park, ``admin@...`` for the zone."""
    users = [_user(zone, Role.ADMIN.value, password_hash, is_admin=True)]
    for operator in park_operators:
        assert operator.park is not None
        code = operator.park.code
        users.append(_user(operator, "operator" if code == LOGIN_PARK else f"operator-{code.replace('_', '-')}",
                           password_hash))
    return users


# --- Relay incubation and partnerships ---------------------------------------------------

RESIDENT_STAGES = ("seed", "pre_a", "series_a")
EARLY_WINDOW_DAYS = 14  # the login incubator shows its residents' new needs to its partners first


def _stays(build: _Build, companies: list[_Company], hubs: list[_Hub]) -> list[IncubationStay]:
    """Startups at an incubator now: early ones not looking for one, in a hub of their sector or park.

    The showcase startup is a resident of the login incubator, so that incubator can relay it on.
    """
    rng, stays = build.rng, []
    for index, company in enumerate(companies):
        startup = company.startup
        if index and (startup.seeking_incubation or company.stage_code not in RESIDENT_STAGES):
            continue
        hub = hubs[LOGIN_INCUBATOR] if not index else max(
            hubs, key=lambda h: (bool(set(h.sectors) & set(company.sectors)), h.incubator.park == startup.park,
                                 rng.random()))
        stays.append(IncubationStay(startup=startup, incubator=hub.incubator,
                                    started_on=_days_from_reference(-rng.randint(90, 720))))
    return stays


def _partnerships(funds: list[_Fund], hubs: list[_Hub]) -> list[Partnership]:
    """Every partner incubator a thesis names is an agreed partnership; the login pair is one of them."""
    pairs = {(fund.investor.id, incubator.id) for fund in funds for incubator in fund.thesis.partner_incubators}
    pairs.add((funds[0].investor.id, hubs[LOGIN_INCUBATOR].incubator.id))
    return [Partnership(investor_id=investor, incubator_id=incubator, requested_by_id=investor,
                        status=PartnershipStatus.ACCEPTED, answered_at=utcnow())
            for investor, incubator in sorted(pairs)]


def _open_early(companies: list[_Company], stays: list[IncubationStay], hubs: list[_Hub]) -> None:
    """The login incubator's window: its residents' open needs reach non-partners in two weeks.

    The showcase startup's needs are open to all already (every demo login can find them)."""
    login = hubs[LOGIN_INCUBATOR].incubator
    login.early_window_days = EARLY_WINDOW_DAYS
    residents = {stay.startup for stay in stays if stay.incubator is login}
    for company in companies[1:]:
        if company.startup in residents:
            for need in company.needs:
                posted = _posted(need.title, within_days=7, weeks_ago=0)  # this week: in the window still
                opens = posted + timedelta(days=EARLY_WINDOW_DAYS)
                if need.status == NeedStatus.OPEN and (need.deadline is None or need.deadline > opens.date()):
                    need.created_at = need.updated_at = posted
                    need.public_from = opens


# --- Loading --------------------------------------------------------------------------------


def is_empty(session: Session) -> bool:
    return session.scalar(sa.select(Organization.id).limit(1)) is None


def logins(session: Session) -> list[tuple[str, str]]:
    """The demo's login per side, (role, email), when the demo is loaded."""
    emails = [login_email(role) for role in LOGIN_ROLES]
    present = set(session.scalars(sa.select(User.email).where(User.email.in_(emails))))
    return [(role.value, email) for role, email in zip(LOGIN_ROLES, emails) if email in present]


def _insert_links(session: Session, rows: list[_LinkRow]) -> None:
    by_table: dict[sa.Table, list[dict[str, Any]]] = {}
    for row in rows:
        owner_column = next(iter(row.table.columns)).name
        by_table.setdefault(row.table, []).append({owner_column: row.owner.id, **row.values})
    for table, values in by_table.items():
        session.execute(sa.insert(table), values)


# --- Deal history ----------------------------------------------------------------------------

HISTORY_SOURCE = "demo"
USD_TO_YUAN = 7.2  # the rate history is recorded at (marketplace.recs converts back with the same)
FOLLOW_ON = 0.55  # how often an earlier investor joins a company's next round


def _covers(fund: _Fund, company: _Company, stage: Stage) -> float:
    """How likely the fund is to have joined this round: its thesis's sectors and stages."""
    thesis = fund.thesis
    if stage not in thesis.stages:
        return 0.0
    if not thesis.sectors:  # a thesis by whole sector groups: anything may fit, less strongly
        return 0.3
    return 3.0 if company.sectors[0] in thesis.sectors else 0.6 if set(company.sectors) & set(thesis.sectors) else 0.0


def _history(build: _Build, companies: list[_Company], funds: list[_Fund]) -> tuple[list[FundingRound],
                                                                                   list[tuple[FundingRound, Investor]]]:
    """The earlier rounds of each company below its current stage, a year or so apart, and who
    joined them: funds whose thesis covers the round, and earlier investors following on."""
    rng = build.rng
    rounds, investments = [], []
    for number, company in enumerate(companies):
        rung = STAGE_CODES.index(company.stage_code)
        earlier = build.ref.stages[max(1, rung - 3):rung]  # from seed on, at most three rounds back
        day = REFERENCE_DATE - timedelta(days=rng.randint(90, 400))
        dated = []
        for stage in reversed(earlier):
            dated.append((stage, day))
            day -= timedelta(days=rng.randint(300, 600))
        backers: list[Investor] = []
        for stage, funded_on in reversed(dated):
            low, high = STAGE_FACTS[stage.code].equity_round
            funding = FundingRound(startup=company.startup, round_type=stage.code, stage=stage, funded_on=funded_on,
                                   raised_amount_usd=round(_money_between(rng, low, high) / USD_TO_YUAN),
                                   source=HISTORY_SOURCE, external_id=f"{number}:{stage.code}")
            weights = {f.investor: _covers(f, company, stage) for f in funds}
            weights = {i: w for i, w in weights.items() if w > 0}
            joined = [i for i in backers if rng.random() < FOLLOW_ON]
            fresh = _weighted_sample(rng, {i: w for i, w in weights.items() if i not in joined},
                                     min(rng.randint(1, 3), len(weights)))
            joined += [i for i in fresh if i not in joined]
            rounds.append(funding)
            investments.extend((funding, investor) for investor in joined)
            backers = list(dict.fromkeys(backers + joined))
    return rounds, investments


def _populate(session: Session, build: _Build, password_hash: str, progress: Callable[[int], None]) -> DemoSummary:
    companies = _companies(build)
    showcase = companies[0]
    _award_tiers(build, companies)
    for company in companies:
        _add_ip_assets(build, company, showcase=company is showcase)
        _add_needs(build, company, showcase=company is showcase)
    progress(1)
    hubs = _hubs(build)
    progress(1)
    funds = _funds(build, hubs, showcase)
    progress(1)
    banks = [_bank(build, spec, login=index == 0) for index, spec in enumerate(BANKS)]
    progress(1)
    zone, park_operators = _operators(build)
    startups = [c.startup for c in companies]
    incubators = [h.incubator for h in hubs]
    investors = [f.investor for f in funds]
    bank_orgs = [bank for bank, _ in banks]
    users = [
        *_numbered_users(Role.STARTUP, startups, showcase.startup, password_hash),
        *_numbered_users(Role.INVESTOR, investors, investors[0], password_hash),
        *_numbered_users(Role.BANK, bank_orgs, bank_orgs[0], password_hash),
        *_numbered_users(Role.INCUBATOR, incubators, incubators[LOGIN_INCUBATOR], password_hash),
        *_operator_users(zone, park_operators, password_hash),
    ]
    needs = [need for c in companies for need in c.needs]
    ip_assets = [asset for c in companies for asset in c.ip_assets]
    capacities = [capacity for h in hubs for capacity in h.capacities]
    products = [product for _, bank_products in banks for product in bank_products]
    history, invested = _history(build, companies, funds)
    stays = _stays(build, companies, hubs)
    _open_early(companies, stays, hubs)
    session.add_all([*startups, *incubators, *investors, *bank_orgs, zone, *park_operators, *users, *needs,
                     *ip_assets, *capacities, *products, *(f.thesis for f in funds), *history, *stays])
    progress(1)
    session.flush()
    partnerships = _partnerships(funds, hubs)
    session.add_all(partnerships)
    progress(1)
    _insert_links(session, build.links)
    if invested:
        session.execute(sa.insert(investments), [{"round_id": r.id, "investor_id": i.id} for r, i in invested])
    progress(1)
    return DemoSummary(startups=len(startups), funding_needs=len(needs), ip_assets=len(ip_assets),
                       investors=len(investors), banks=len(bank_orgs), loan_products=len(products),
                       incubators=len(incubators), capacities=len(capacities), funding_rounds=len(history),
                       investments=len(invested), incubation_stays=len(stays), partnerships=len(partnerships),
                       users=len(users))


def load(session: Session, *, seed: int, password: str,
         progress: Callable[[int], None] = lambda n: None) -> DemoSummary:
    """Write the demo marketplace in one transaction, then play its deals (``demo_deals``); a
    second run finds them and adds nothing."""
    summary = DemoSummary()
    if logins(session):
        progress(STEPS - 1)
    else:
        try:
            summary = _populate(session, _new_build(session, random.Random(seed)), hash_password(password), progress)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        progress(1)
    if not demo_deals.played(session, login_email(Role.INVESTOR)):
        deals = demo_deals.play(session, {role: login_email(role) for role in LOGIN_ROLES}, clock.today())
        summary = replace(summary, **deals)
    progress(1)
    return summary
