"""The data contract (docs/data-contract.md) as data: file kinds, their columns and
header aliases, and the enumeration values with their Chinese and English spellings."""

from dataclasses import dataclass, field
from enum import StrEnum


class ColumnType(StrEnum):
    TEXT = "text"
    DATE = "date"
    TIMESTAMP = "timestamp"
    MONEY = "money"
    INTEGER = "integer"
    ENUM = "enum"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    aliases: tuple[str, ...] = ()
    required: bool = False
    domain: str | None = None  # for ENUM columns: the key in ENUM_VALUES


@dataclass(frozen=True)
class FileKind:
    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())  # what makes a row unique in its table
    # the date whose month a row is of: a load changes its table from the earliest month
    # of the rows it adds or replaces (none: it changes every month)
    dated_by: str | None = None

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


T = ColumnType

LOANS = FileKind(
    name="loans",
    table="loan_snapshots",
    key=("as_of_date", "loan_id"),
    dated_by="as_of_date",
    columns=(
        Column("as_of_date", T.DATE, ("数据日期", "统计日期"), required=True),
        Column("loan_id", T.TEXT, ("借据号", "贷款编号", "合同号"), required=True),
        Column("customer_id", T.TEXT, ("客户号", "客户编号"), required=True),
        Column("customer_name", T.TEXT, ("客户姓名", "借款人")),
        Column("id_number", T.TEXT, ("身份证号", "证件号码")),
        Column("product", T.TEXT, ("产品", "产品名称")),
        Column("branch", T.TEXT, ("机构", "支行", "网点")),
        Column("team", T.TEXT, ("催收团队", "所属团队")),
        Column("collector", T.TEXT, ("催收员", "客户经理")),
        Column("disbursed_on", T.DATE, ("放款日期", "发放日期")),
        Column("principal", T.MONEY, ("放款金额", "合同金额", "贷款金额"), required=True),
        Column("outstanding_balance", T.MONEY, ("贷款余额", "剩余本金"), required=True),
        Column("overdue_amount", T.MONEY, ("逾期金额", "逾期本息")),
        Column("days_past_due", T.INTEGER, ("逾期天数",), required=True),
        Column("classification", T.ENUM, ("五级分类",), domain="classification"),
        Column("status", T.ENUM, ("状态", "贷款状态"), domain="loan_status"),
    ),
)

ACTIONS = FileKind(
    name="actions",
    table="actions",
    key=("action_id",),
    dated_by="action_at",
    columns=(
        Column("action_id", T.TEXT, ("记录编号", "催记编号")),
        Column("loan_id", T.TEXT, ("借据号", "贷款编号", "合同号"), required=True),
        Column("action_at", T.TIMESTAMP, ("催收时间", "联系时间"), required=True),
        Column("method", T.ENUM, ("催收方式",), required=True, domain="method"),
        Column("team", T.TEXT, ("催收团队",), required=True),
        Column("collector", T.TEXT, ("催收员",)),
        Column("contact_phone", T.TEXT, ("联系电话", "拨打号码")),
        Column("contact_relation", T.ENUM, ("联系对象", "关系"), domain="relation"),
        Column("outcome", T.ENUM, ("联系结果", "催收结果"), domain="outcome"),
        Column("promised_amount", T.MONEY, ("承诺金额",)),
        Column("promised_date", T.DATE, ("承诺还款日", "承诺日期")),
        Column("cost", T.MONEY, ("成本", "费用")),
        Column("note", T.TEXT, ("备注", "催收记录")),
    ),
)

PAYMENTS = FileKind(
    name="payments",
    table="payments",
    key=("payment_id",),
    dated_by="paid_at",
    columns=(
        Column("payment_id", T.TEXT, ("流水号", "交易流水")),
        Column("loan_id", T.TEXT, ("借据号", "贷款编号", "合同号"), required=True),
        Column("paid_at", T.TIMESTAMP, ("还款日期", "还款时间", "入账日期"), required=True),
        Column("amount", T.MONEY, ("还款金额", "实还金额"), required=True),
        Column("channel", T.TEXT, ("还款渠道",)),
    ),
)

ASSIGNMENTS = FileKind(
    name="assignments",
    table="assignments",
    key=("assignment_id",),
    dated_by="assigned_on",
    columns=(
        Column("assignment_id", T.TEXT, ("分案编号", "委案编号")),
        Column("loan_id", T.TEXT, ("借据号", "贷款编号", "合同号"), required=True),
        Column("team", T.TEXT, ("催收团队", "受托机构"), required=True),
        Column("collector", T.TEXT, ("催收员",)),
        Column("assigned_on", T.DATE, ("分案日期", "委案日期"), required=True),
        Column("ended_on", T.DATE, ("结案日期", "退案日期", "撤案日期")),
        Column("assigned_amount", T.MONEY, ("委案金额",)),
        Column("days_past_due", T.INTEGER, ("逾期天数", "分案时逾期天数")),
    ),
)

CONTACTS = FileKind(
    name="contacts",
    table="contacts",
    key=("customer_id", "phone"),
    columns=(
        Column("customer_id", T.TEXT, ("客户号", "客户编号"), required=True),
        Column("phone", T.TEXT, ("电话号码", "联系电话", "手机号"), required=True),
        Column("relation", T.ENUM, ("联系对象", "关系"), domain="relation"),
        Column("city", T.TEXT, ("城市", "地区")),
    ),
)

TEAMS = FileKind(
    name="teams",
    table="teams",
    key=("team",),
    columns=(
        Column("team", T.TEXT, ("催收团队", "团队", "团队名称"), required=True),
        Column("team_type", T.ENUM, ("团队类型",), domain="team_type"),
        Column("manager", T.TEXT, ("负责人",)),
        Column("monthly_visit_quota", T.INTEGER, ("外访指标",)),
    ),
)

FILE_KINDS = {kind.name: kind for kind in (LOANS, ACTIONS, PAYMENTS, ASSIGNMENTS, CONTACTS, TEAMS)}

# Every accepted spelling of each enumeration value, canonical value first.
ENUM_VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    "classification": {
        "normal": ("正常",),
        "special_mention": ("关注", "special mention"),
        "substandard": ("次级",),
        "doubtful": ("可疑",),
        "loss": ("损失",),
    },
    "loan_status": {
        "active": ("正常", "在贷", "未结清"),
        "settled": ("结清", "已结清"),
        "written_off": ("核销", "已核销", "written off"),
    },
    "method": {
        "sms": ("短信",),
        "phone": ("电话", "电催"),
        "letter": ("信函",),
        "lawyer_letter": ("律师函", "lawyer letter"),
        "email": ("邮件", "电子邮件", "e-mail"),
        "visit": ("上门", "外访"),
        "legal": ("诉讼", "司法"),
        "agency": ("委外",),
        "repossession": ("拖车",),
        "other": ("其他",),
    },
    "outcome": {
        "connected": ("接通",),
        "no_answer": ("无人接听", "no answer"),
        "busy": ("占线",),
        "rejected": ("拒接",),
        "powered_off": ("关机", "powered off"),
        "suspended": ("停机",),
        "invalid_number": ("空号", "invalid number"),
        "wrong_number": ("错号", "非本人", "wrong number"),
        "delivered": ("已送达", "送达"),
        "undeliverable": ("退回",),
        "met": ("见面",),
        "not_found": ("未找到", "not found"),
    },
    "relation": {
        "self": ("本人",),
        "spouse": ("配偶",),
        "family": ("亲属", "家人"),
        "guarantor": ("担保人",),
        "colleague": ("同事",),
        "other": ("其他",),
    },
    "team_type": {
        "phone": ("电催",),
        "field": ("外访",),
        "legal": ("法务",),
        "agency": ("委外",),
    },
}

NON_PERFORMING = ("substandard", "doubtful", "loss")
METHODS_NEEDING_OUTCOME = ("phone", "visit")
