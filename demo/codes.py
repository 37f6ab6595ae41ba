"""Codes of the exports' enumerations (methods, outcomes, relations, classification,
status, channels), with their English and Chinese spellings, and the notes' templates.
"""

from __future__ import annotations

# Methods, outcomes and relations: codes are list positions; the Chinese lists hold the
# spellings seen in exports (the first is the usual one).
SMS, PHONE, LETTER, LAWYER_LETTER, EMAIL, VISIT, LEGAL_ACTION, AGENCY, REPO, OTHER = range(10)
METHOD_EN = [
    "sms", "phone", "letter", "lawyer_letter", "email", "visit", "legal", "agency",
    "repossession", "other",
]  # fmt: skip
METHOD_ZH = [
    ["短信"], ["电话", "电催"], ["信函"], ["律师函"], ["邮件"], ["上门", "外访"], ["诉讼", "司法"],
    ["委外"], ["拖车"], ["其他"],
]  # fmt: skip


(CONNECTED, NO_ANSWER, BUSY, REJECTED, POWERED_OFF, SUSPENDED, INVALID, WRONG,
 DELIVERED, UNDELIVERABLE, MET, NOT_FOUND) = range(12)  # fmt: skip
OUTCOME_EN = [
    "connected", "no_answer", "busy", "rejected", "powered_off", "suspended", "invalid_number",
    "wrong_number", "delivered", "undeliverable", "met", "not_found",
]  # fmt: skip
OUTCOME_ZH = [
    ["接通"], ["无人接听"], ["占线"], ["拒接"], ["关机"], ["停机"], ["空号"], ["错号", "非本人"],
    ["已送达"], ["退回"], ["见面"], ["未找到"],
]  # fmt: skip
SELF, SPOUSE, FAMILY, GUARANTOR, COLLEAGUE, OTHER_REL = range(6)
RELATION_EN = ["self", "spouse", "family", "guarantor", "colleague", "other"]
RELATION_ZH = ["本人", "配偶", "亲属", "担保人", "同事", "其他"]

CLASS_EN = ["normal", "special_mention", "substandard", "doubtful", "loss"]
CLASS_ZH = ["正常", "关注", "次级", "可疑", "损失"]
ACTIVE_ST, SETTLED_ST, WRITTEN_OFF_ST = range(3)
STATUS_EN = ["active", "settled", "written_off"]
STATUS_ZH = ["正常", "结清", "核销"]

CHANNELS = ["银行卡代扣", "手机银行转账", "柜面还款", "微信还款", "支付宝还款", "网银转账"]
CHANNEL_WEIGHTS = [0.36, 0.24, 0.1, 0.12, 0.1, 0.08]
_GUARANTOR_CHANNEL, _DISPOSAL_CHANNEL = "担保人代偿", "资产处置款"
ALL_CHANNELS = CHANNELS + [_GUARANTOR_CHANNEL, _DISPOSAL_CHANNEL]


# Note templates by situation: (text before, filler, text after); filler 1 a person's name,
# 2 a mobile number, 3 the agency's name. The share is how many such actions carry a note.
NOTES: dict[str, tuple[float, list[tuple[str, int, str]]]] = {
    "sms": (0.05, [("逾期提醒短信已发送", 0, ""), ("还款提醒", 0, "")]),
    "reached self": (0.7, [
        ("本人接听，称近期资金紧张，月底前筹款", 0, ""),
        ("本人接听，称已失业，暂无还款能力", 0, ""),
        ("本人接听，对产品有异议，拒绝还款", 0, ""), ("本人接听，态度强硬，挂断电话", 0, ""),
        ("本人接听，称生意周转困难，下月回款后处理", 0, ""),
        ("本人接听，已告知逾期后果及征信影响", 0, ""), ("本人称已还款，核实未入账", 0, ""),
        ("本人接听，提供新联系电话", 2, ""),
    ]),
    "reached family": (0.7, [
        ("家属接听，表示会转告本人", 0, ""), ("家属接听，称借款人在外地务工", 0, ""),
        ("家属接听，称借款人住院，暂无法还款", 0, ""), ("家属接听，提供借款人新号码", 2, ""),
    ]),
    "promise self": (1.0, [
        ("客户承诺按期还款", 0, ""), ("本人承诺发工资后还款", 0, ""),
        ("客户承诺先还部分，余款下月结清", 0, ""), ("客户承诺还款，要求不要联系其家人", 0, ""),
    ]),
    "promise family": (1.0, [("家属代为承诺还款", 0, ""), ("家属表示会督促本人按时还款", 0, "")]),
    "third party": (0.8, [
        ("联系人", 1, "接听，表示会转告借款人"), ("第三方接听，称不认识借款人", 0, ""),
        ("联系人", 1, "称与借款人已无来往"),
    ]),
    "no answer": (0.3, [
        ("无人接听", 0, ""), ("多次拨打无人接听", 0, ""), ("晚间再拨仍无人接听", 0, ""),
    ]),
    "busy": (0.3, [("占线", 0, ""), ("持续占线", 0, "")]),
    "rejected": (0.3, [("响铃后被挂断", 0, ""), ("拒接", 0, "")]),
    "powered off": (0.3, [("关机", 0, ""), ("连续三天关机", 0, "")]),
    "suspended": (0.3, [("提示停机", 0, ""), ("号码已停机", 0, "")]),
    "invalid": (0.6, [
        ("空号", 0, ""), ("提示号码不存在", 0, ""), ("空号，经亲属获取新号码", 2, ""),
    ]),
    "wrong": (0.6, [("号码错误，非本人", 0, ""), ("接听人称不认识", 1, "")]),
    "met": (0.9, [
        ("上门见到本人，告知逾期后果", 0, ""), ("在经营场所见到本人，称下月还款", 0, ""),
        ("上门见到本人，签署还款承诺书", 0, ""),
    ]),
    "not found": (0.9, [
        ("上门未见到本人，邻居称已搬走", 0, ""), ("地址无人居住", 0, ""), ("单位称", 1, "已离职"),
        ("大门紧锁，已张贴催收通知", 0, ""), ("户籍地址查无此人", 0, ""),
    ]),
    "letter": (0.4, [("催收函已寄出", 0, ""), ("催收函被退回，地址不详", 0, "")]),
    "lawyer letter": (0.6, [("律师函已寄送至户籍地址", 0, ""), ("律师函已寄送至单位地址", 0, "")]),
    "legal": (1.0, [
        ("已向法院提起诉讼", 0, ""), ("已申请财产保全", 0, ""), ("已立案，等待开庭", 0, ""),
        ("已取得判决，申请强制执行", 0, ""), ("法院公告送达中", 0, ""),
    ]),
    "agency": (1.0, [
        ("委外至", 3, ""), ("委外机构反馈：客户失联", 0, ""),
        ("委外机构反馈：与", 1, "协商分期还款"),
    ]),
    "repossession": (1.0, [
        ("车辆已收回，入库待处置", 0, ""), ("未找到车辆", 0, ""), ("设备已收回，待评估", 0, ""),
        ("GPS定位失效，未找到抵押物", 0, ""),
    ]),
    "other": (0.5, [("邮件提醒已发送", 0, ""), ("客户来访，已告知欠款情况", 0, "")]),
}  # fmt: skip
NOTE = {name: code for code, name in enumerate(NOTES)}
# Cost, in yuan, when a row carries one: (low, high) by method; most rows leave it blank.
COST_RANGE = {
    LAWYER_LETTER: (100, 300), VISIT: (60, 220), LEGAL_ACTION: (1500, 8000),
    AGENCY: (200, 600), REPO: (1500, 4000),
}  # fmt: skip
COST_SHARE = 0.12
