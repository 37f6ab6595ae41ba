"""Reference data: cities and their area codes, branches, products and their loan sizes,
people's names, mobile prefixes.
"""

from __future__ import annotations

from dataclasses import dataclass

# name, area code, resident ID region codes
CITIES = [
    ("武汉", "027", ("420102", "420103", "420106", "420111")),
    ("深圳", "0755", ("440303", "440304", "440305", "440306")),
    ("成都", "028", ("510104", "510105", "510107")),
    ("杭州", "0571", ("330102", "330105", "330106")),
    ("西安", "029", ("610102", "610103", "610113")),
    ("长沙", "0731", ("430102", "430103", "430104")),
    ("北京", "010", ("110101", "110105", "110108")),
    ("上海", "021", ("310101", "310104", "310115")),
    ("广州", "020", ("440103", "440104", "440106")),
    ("南京", "025", ("320102", "320104", "320106")),
    ("东莞", "0769", ("441900",)),
    ("佛山", "0757", ("440604", "440605")),
    ("苏州", "0512", ("320505", "320506")),
    ("郑州", "0371", ("410102", "410105")),
]
WUHAN = 0
# Where people born elsewhere come from: 黄冈, 襄阳, 岳阳, 南阳, 六安, 万州.
HOMETOWN_REGIONS = ("421102", "420602", "430602", "411302", "341502", "500101")

# name, loan-number prefix; the branch's city is CITIES[index]
BRANCHES = [
    ("武汉分行", "WH"),
    ("深圳分行", "SZ"),
    ("成都分行", "CD"),
    ("杭州分行", "HZ"),
    ("西安分行", "XA"),
    ("长沙分行", "CS"),
]
BRANCH_WEIGHTS = [0.24, 0.22, 0.16, 0.15, 0.12, 0.11]


@dataclass(frozen=True)
class _Product:
    name: str
    weight: float
    terms: tuple[int, ...]  # months
    median_yuan: float
    sigma: float
    min_yuan: int
    max_yuan: int
    round_yuan: int
    rate_bp: tuple[int, int]  # yearly, basis points
    hazard: float  # monthly chance that a current loan misses its due date
    is_secured: bool  # a vehicle or machine that can be repossessed
    is_consumer: bool  # written off sooner, worked by agencies rather than lawyers


# Consumer loans of thousands to tens of thousands of yuan, cars tens of thousands, business
# and equipment loans hundreds of thousands (DOMAIN.md): no mortgages.
PRODUCTS = [
    _Product("个人消费贷", 0.52, (6, 12, 24), 12_000, 0.7, 1_000, 100_000, 100, (720, 1800),
             0.036, False, True),
    _Product("车贷", 0.18, (24, 36, 60), 80_000, 0.4, 20_000, 300_000, 1_000, (450, 900),
             0.024, True, True),
    _Product("经营贷", 0.12, (12, 24, 36), 200_000, 0.6, 30_000, 2_000_000, 10_000, (380, 650),
             0.026, False, False),
    _Product("小微企业信用贷", 0.12, (12, 24), 100_000, 0.5, 20_000, 500_000, 5_000,
             (420, 800), 0.032, False, False),
    _Product("设备融资租赁", 0.06, (24, 36, 48), 400_000, 0.6, 80_000, 3_000_000, 10_000,
             (600, 1000), 0.03, True, False),
]  # fmt: skip


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
MALE_GIVEN = "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国峰亮成志海东文"
FEMALE_GIVEN = "芳娜敏静丽艳娟霞燕玲婷雪慧琳颖倩洁琴云莉兰萍红梅玉英华秀晶佳欣怡婧雯"

MOBILE_PREFIXES = [
    130,
    131,
    132,
    133,
    134,
    135,
    136,
    137,
    138,
    139,
    150,
    151,
    152,
    153,
    155,
    156,
    157,
    158,
] + [159, 166, 173, 175, 176, 177, 178, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 199]
GARBAGE_PHONES = ["无", "暂无", "-", "/", "0", "不详", "123"]
