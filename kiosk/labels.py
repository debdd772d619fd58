"""What stored codes are called in plain Chinese (the source language of the catalogs)."""

from __future__ import annotations

STAGES = {
    "applicant": "入党申请人",
    "activist": "入党积极分子",
    "candidate": "发展对象",
    "probationary": "预备党员",
    "full": "正式党员",
}
STATUSES = {
    "normal": "正常",
    "flowed_out": "流出",
    "flowed_in": "流入",
    "transferred_out": "转出",
    "deceased": "去世",
}
NOTICE_CATEGORIES = {
    "party": "党务公开",
    "village": "村务公开",
    "finance": "财务公开",
    "policy": "政策宣传",
    "activity": "活动通知",
}
EVENT_TYPES = {
    "branch_assembly": "支部党员大会",
    "committee": "支委会",
    "group": "党小组会",
    "lecture": "党课",
    "theme_day": "主题党日",
    "other": "其他",
}
ATTENDANCE_KINDS = {"present": "到会", "assisted": "代签到", "leave": "请假", "remote": "远程参加"}
REQUEST_CATEGORIES = {
    "certificate": "证明开具",
    "policy": "政策咨询",
    "dispute": "邻里纠纷",
    "sanitation": "环境卫生",
    "utilities": "道路水电",
    "member": "党员服务",
    "suggestion": "意见建议",
    "other": "其他",
}
REQUEST_STATUSES = {"received": "已受理", "in_progress": "处理中", "closed": "已办结"}
VERDICTS = {"satisfied": "满意", "mostly_satisfied": "基本满意", "unsatisfied": "不满意"}
WEEKDAYS = dict(enumerate(("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")))
ROLES = {"staff": "工作人员", "admin": "管理员"}
AUDIT_ACTIONS = {
    "hall.init": "建立服务中心",
    "demo.fill": "生成演示数据",
    "demo.open_event": "演示：开放今天的签到",
    "staff.add": "添加工作人员",
    "staff.enable": "启用工作人员",
    "staff.disable": "停用工作人员",
    "staff.reset_pin": "重置密码",
    "staff.issue_card": "发工作证",
    "staff.login": "登录",
    "staff.logout": "退出登录",
    "staff.login_refused": "登录被拒绝",
    "staff.locked": "账号锁定",
    "staff.card_refused": "工作证被拒绝",
    "staff.refused": "无权限操作被拒绝",
    "help.call": "群众呼叫工作人员",
    "help.acknowledge": "工作人员响应呼叫",
    "backup.restore": "从备份恢复",
}


def actor_label(actor: str) -> str:
    """"staff:1001" → "工作人员 1001"; "system" → "系统"; "resident" → "群众"."""
    kind, _, number = actor.partition(":")
    return {"staff": f"工作人员 {number}", "system": "系统", "resident": "群众"}.get(kind, actor)
