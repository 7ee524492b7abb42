<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../../ui/users_dialog.py" line="+44"/>
        <source>至少 8 个字符，不要只用数字</source>
        <translation>At least 8 characters, not only digits</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>再次输入密码</source>
        <translation>Password again</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>两次输入的密码不一样。</source>
        <translation>The two passwords differ.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>添加员工</source>
        <translation>Add staff member</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+4"/>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>账号为 2–32 个字母、数字、汉字或 . _ -。</source>
        <translation>An account name is 2–32 letters, digits, Chinese characters or . _ -.</translation>
    </message>
</context>
<context>
    <name>BackupScheduler</name>
    <message>
        <location filename="../../ui/backup_scheduler.py" line="+75"/>
        <source>已备份到 %1</source>
        <translation>Backed up to %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>备份不完整，请运行 workstation doctor。</source>
        <translation>The backup is incomplete; run &apos;workstation doctor&apos;.</translation>
    </message>
</context>
<context>
    <name>CaseDetails</name>
    <message>
        <location filename="../../ui/case_details.py" line="+35"/>
        <source>创建草稿</source>
        <translation>Draft created</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>修改内容</source>
        <translation>Changed</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>标记为待上报</source>
        <translation>Mark ready to send</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>容缺受理</source>
        <translation>Accepted with shortfall</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>撤回为草稿</source>
        <translation>Back to draft</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>开始上报</source>
        <translation>Sending started</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已上报县级平台</source>
        <translation>Sent to the county</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>重新排队上报</source>
        <translation>Queued again</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县级平台更新状态</source>
        <translation>County status update</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>添加材料页面</source>
        <translation>Pages added</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>整理材料页面</source>
        <translation>Pages rearranged</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>查看材料</source>
        <translation>Papers viewed</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>打印</source>
        <translation>Printed</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>导入办件</source>
        <translation>Case imported</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>办件编号：%1</source>
        <translation>Case number: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>县级编号：%1</source>
        <translation>County number: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+132"/>
        <source>第 %1 次提交</source>
        <translation>Submission %1</translation>
    </message>
    <message>
        <location line="-131"/>
        <source>录入人：%1</source>
        <translation>Captured by: %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>草稿，还没有交给上报</source>
        <translation>Draft, not queued for sending yet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>待上报：联网时自动发送到县级平台</source>
        <translation>Ready: sent to the county automatically when online</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>正在上报到县级平台…</source>
        <translation>Sending to the county…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>已上报，等待县级平台接收</source>
        <translation>Sent, waiting for the county</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>县级平台已退回，改正后重新提交</source>
        <translation>Returned by the county: correct it and submit again</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>县级平台已办结</source>
        <translation>Decided by the county</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>县级平台处理中</source>
        <translation>With the county</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>县级状态：%1（%2）</source>
        <translation>County status: %1 (%2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>上报状态：%1</source>
        <translation>Sending: %1</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>县级平台拒收了这个办件</source>
        <translation>The county refused this case</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>这个办件暂时不能上报</source>
        <translation>This case cannot be sent yet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>请点“修改”改正后保存，工作站会自动重新上报。</source>
        <translation>Click &quot;Edit&quot;, correct it and save; the workstation sends it again by itself.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>身份证号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>出生日期</source>
        <translation>Birth date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>民族</source>
        <translation>Ethnicity</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户籍地址</source>
        <translation>Registered address</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>现住址</source>
        <translation>Current address</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>所在村（社区）区划代码</source>
        <translation>Village division code</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>申请人信息</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>申请事项</source>
        <translation>Application</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>操作人</source>
        <translation>By</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>%1，%2 页</source>
        <translation>%1, %2 pages</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>承诺于 %1 前补交：%2</source>
        <translation>Promised by %1: %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>受理回执</source>
        <translation>acceptance receipt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>一次性告知单</source>
        <translation>one-time notice of missing materials</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>个人信息告知书</source>
        <translation>privacy notice</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>删除了 %1 页</source>
        <translation>%1 pages deleted</translation>
    </message>
</context>
<context>
    <name>CaseFormPage</name>
    <message>
        <location filename="../../ui/case_form.py" line="+124"/>
        <source>检查填写</source>
        <translation>Check the form</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>一次列出表单上所有需要修改的地方</source>
        <translation>Show every problem on the form at once</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>完成，查看办件</source>
        <translation>Done: view the case</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>此办件已交县级平台处理（%1），不能在这里修改。</source>
        <translation>This case is with the county (%1) and cannot be changed here.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>只有录入此办件的代办员可以修改。</source>
        <translation>Only the agent who captured this case can change it.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>申请人信息</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>申请事项</source>
        <translation>Application</translation>
    </message>
    <message>
        <location filename="../../ui/form_fields.py" line="+297"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>身份证号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>民族</source>
        <translation>Ethnicity</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>户籍地址</source>
        <translation>Registered address</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>现住址</source>
        <translation>Current address</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>所在村（社区）区划代码</source>
        <translation>Village division code</translation>
    </message>
    <message>
        <location filename="../../ui/case_form.py" line="+101"/>
        <source>草稿已保存 %1</source>
        <translation>Draft saved at %1</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>尚未保存：%1</source>
        <translation>Not saved yet: %1</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>新申请（输入后自动保存为草稿）</source>
        <translation>New application (saved as a draft as you type)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>办件编号：%1</source>
        <translation>Case number: %1</translation>
    </message>
</context>
<context>
    <name>CaseListModel</name>
    <message>
        <location filename="../../ui/case_list_model.py" line="+40"/>
        <source>办件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>办理事项</source>
        <translation>Service</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>受理时间</source>
        <translation>Created</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>更新时间</source>
        <translation>Updated</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>录入人</source>
        <translation>Captured by</translation>
    </message>
</context>
<context>
    <name>CaseListPage</name>
    <message>
        <location filename="../../ui/case_list.py" line="+188"/>
        <source>办件列表</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>新建申请 (Ctrl+N)</source>
        <translation>New application (Ctrl+N)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>搜索：姓名（两个字即可）、身份证号、手机号或办件编号</source>
        <translation>Search: name (two characters are enough), ID number, phone or case number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>没有符合条件的办件。
可以换个关键词，或点“全部”查看所有办件。</source>
        <translation>No cases match.
Try other words, or click &quot;All&quot; to see every case.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>开始日期</source>
        <translation>From</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>结束日期</source>
        <translation>To</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>全部事项</source>
        <translation>All services</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>全部日期</source>
        <translation>Any date</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>最近 7 天</source>
        <translation>Last 7 days</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>最近 30 天</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>今年</source>
        <translation>This year</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>自定义日期…</source>
        <translation>Choose dates…</translation>
    </message>
    <message numerus="yes">
        <location line="-19"/>
        <location line="+104"/>
        <source>共 %n 件</source>
        <translation>
            <numerusform>%n case</numerusform>
            <numerusform>%n cases</numerusform>
        </translation>
    </message>
    <message>
        <location line="+23"/>
        <source>全部</source>
        <translation>All</translation>
    </message>
</context>
<context>
    <name>CaseViewPage</name>
    <message>
        <location filename="../../ui/case_view.py" line="+121"/>
        <source>← 返回</source>
        <translation>← Back</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>修改</source>
        <translation>Edit</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>标记为待上报</source>
        <translation>Mark ready to send</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>容缺受理…</source>
        <translation>Accept with shortfall…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>撤回为草稿</source>
        <translation>Back to draft</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>检查无误后交给上报，联网时自动发送到县级平台</source>
        <translation>When everything is right: queue it; it is sent to the county when online</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>申请信息</source>
        <translation>Application</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>材料</source>
        <translation>Papers</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>办理记录</source>
        <translation>History</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>受理回执</source>
        <translation>acceptance receipt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>一次性告知单</source>
        <translation>one-time notice of missing materials</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>个人信息告知书</source>
        <translation>privacy notice</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>打印%1…</source>
        <translation>Print the %1…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1另存为 PDF…</source>
        <translation>Save the %1 as PDF…</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>&lt;b&gt;县级平台退回补正&lt;/b&gt;：%1&lt;br&gt;请点“修改”改正后，再点“标记为待上报”重新提交。</source>
        <translation>&lt;b&gt;Returned by the county&lt;/b&gt;: %1&lt;br&gt;Click &quot;Edit&quot; to correct it, then &quot;Mark ready to send&quot; to submit it again.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>（未说明原因）</source>
        <translation>(no reason given)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&lt;b&gt;容缺受理&lt;/b&gt;：申请人承诺于 %1 前补交：%2</source>
        <translation>&lt;b&gt;Accepted with shortfall&lt;/b&gt;: the applicant promised to bring by %1: %2</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>申请人主要材料齐全、承诺限期补交其余材料时使用</source>
        <translation>For when the main papers are here and the applicant promises the rest by a date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>只有窗口人员或管理员可以容缺受理</source>
        <translation>Only clerks and administrators can accept with a shortfall</translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>&lt;b&gt;%1&lt;/b&gt; · %n 页</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; · %n page</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; · %n pages</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>查看和整理页面</source>
        <translation>View and arrange pages</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>第 %1 页</source>
        <translation>Page %1</translation>
    </message>
</context>
<context>
    <name>ComboEditor</name>
    <message>
        <location filename="../../ui/form_fields.py" line="-201"/>
        <source>— 请选择 —</source>
        <translation>— please choose —</translation>
    </message>
</context>
<context>
    <name>Curtain</name>
    <message>
        <location filename="../../ui/idle_lock.py" line="+113"/>
        <source>已锁定</source>
        <translation>Locked</translation>
    </message>
</context>
<context>
    <name>DerivedIdRow</name>
    <message>
        <location filename="../../ui/form_fields.py" line="+174"/>
        <location line="+3"/>
        <source>性别和出生日期</source>
        <translation>Gender and birth date</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>根据身份证号码自动填写</source>
        <translation>Filled in from the ID number</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 · 出生日期 %2 · %3 周岁</source>
        <translation>%1 · born %2 · %3 years old</translation>
    </message>
</context>
<context>
    <name>DocumentChecklist</name>
    <message>
        <location filename="../../ui/page_strip.py" line="+296"/>
        <source>申请材料</source>
        <translation>Papers</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>必需的材料已齐全。</source>
        <translation>All required papers are here.</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>还缺 %n 项材料</source>
        <translation>
            <numerusform>Still missing %n paper</numerusform>
            <numerusform>Still missing %n papers</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>已有 %1 页，需要 %2 页</source>
        <translation>%1 of %2 pages</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>（可选）</source>
        <translation> (optional)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>扫描</source>
        <translation>Scan</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>用扫描仪扫描这份材料</source>
        <translation>Scan this paper</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>导入文件…</source>
        <translation>Import files…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>从图片或 PDF 文件添加页面</source>
        <translation>Add pages from image or PDF files</translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <location filename="../../ui/first_run.py" line="+103"/>
        <source>欢迎使用乡镇便民服务工作站</source>
        <translation>Welcome to the township service workstation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>办公点代码</source>
        <translation>Office code</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>办公点名称</source>
        <translation>Office name</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>管理员账号</source>
        <translation>Administrator account</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>再次输入密码</source>
        <translation>Password again</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县级平台地址</source>
        <translation>County platform address</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>登记码</source>
        <translation>Enrollment code</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>12 位统计用区划代码，例如 340822104201</source>
        <translation>12-digit division code, e.g. 340822104201</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>例如：桃花村便民服务站</source>
        <translation>e.g. Taohua village service office</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>至少 8 个字符，不要只用数字</source>
        <translation>At least 8 characters, not only digits</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>县里提供，例如 K7Q2-9XHM</source>
        <translation>Given by the county, e.g. K7Q2-9XHM</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>上一步</source>
        <translation>Back</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>第 %1 步，共 %2 步</source>
        <translation>Step %1 of %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>这台电脑第一次使用。请先填写本办公点的信息。</source>
        <translation>This computer is being used for the first time. Please enter your office&apos;s details.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>设置第一个管理员账号。管理员可以添加其他员工账号。请记住密码。</source>
        <translation>Set up the first administrator account. Administrators can add other staff. Remember the password.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>如果县里已经给了平台地址和登记码，现在就可以登记；也可以留空，以后在“设置”里登记。</source>
        <translation>If the county gave you a platform address and an enrollment code, enroll now; or leave both empty and enroll later in Settings.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>完成</source>
        <translation>Finish</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>下一步</source>
        <translation>Next</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>办公点代码必须是 12 位数字（统计用区划代码），例如 340822104201。</source>
        <translation>The office code must be 12 digits (the statistical division code), e.g. 340822104201.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>账号为 2–32 个字母、数字、汉字或 . _ -。</source>
        <translation>An account name is 2–32 letters, digits, Chinese characters or . _ -.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>两次输入的密码不一样，请重新输入。</source>
        <translation>The two passwords differ. Please type them again.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>登记需要同时填写平台地址和登记码；不登记请把两项都留空。</source>
        <translation>Enrolling needs both the address and the code; leave both empty to enroll later.</translation>
    </message>
</context>
<context>
    <name>FormFields</name>
    <message>
        <location filename="../../ui/case_details.py" line="-86"/>
        <location filename="../../ui/form_fields.py" line="-116"/>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../ui/form_fields.py" line="+1"/>
        <source>否</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>LineEditor</name>
    <message>
        <location filename="../../ui/form_fields.py" line="-97"/>
        <source>18位身份证号码</source>
        <translation>18-character ID number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>手机或座机，如 13905561234</source>
        <translation>Mobile or landline, e.g. 13905561234</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>如 2026-03-15</source>
        <translation>e.g. 2026-03-15</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>金额（元），如 1200.00</source>
        <translation>Amount in yuan, e.g. 1200.00</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>整数</source>
        <translation>A whole number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>数字</source>
        <translation>A number</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>12位数字，如 340822104201</source>
        <translation>12 digits, e.g. 340822104201</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>18位统一社会信用代码</source>
        <translation>18-character credit code</translation>
    </message>
</context>
<context>
    <name>LockDialog</name>
    <message>
        <location filename="../../ui/idle_lock.py" line="+52"/>
        <location line="+1"/>
        <source>工作站已锁定</source>
        <translation>Workstation locked</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>为保护群众信息，%1 分钟无操作后自动锁定。
打开的工作都还在，请输入 %2 的密码继续。</source>
        <translation>To protect citizens&apos; information the workstation locks after %1 minutes without use.
Your open work is still here. Enter the password of %2 to continue.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>换人登录…</source>
        <translation>Sign in as someone else…</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>换人登录</source>
        <translation>Sign in as someone else</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>换人登录会关闭当前用户打开的工作，没有保存的内容会丢失。确定吗？</source>
        <translation>Signing in as someone else closes the current user&apos;s open work; anything not saved is lost. Continue?</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../../ui/login.py" line="+106"/>
        <source>乡镇便民服务工作站</source>
        <translation>Township Service Workstation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>您的员工账号</source>
        <translation>Your staff account</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>忘记密码或账号被锁定时，请联系本站管理员重置密码。</source>
        <translation>Forgot your password or locked out? Ask this office&apos;s administrator to reset it.</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>请输入账号和密码。</source>
        <translation>Please enter your account and password.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="+129"/>
        <source>乡镇便民服务工作站</source>
        <translation>Township Service Workstation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>办件列表</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>新建申请</source>
        <translation>New application</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>员工账号</source>
        <translation>Staff accounts</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>锁定</source>
        <translation>Lock</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>退出登录</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>登记没有完成</source>
        <translation>Enrollment did not finish</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>办公点已经建好。可以稍后在“设置 → 县级平台”里再登记。</source>
        <translation>The office is set up. You can enroll later in Settings → County platform.</translation>
    </message>
</context>
<context>
    <name>PageViewerDialog</name>
    <message>
        <location filename="../../ui/page_viewer.py" line="+92"/>
        <source>查看材料页面</source>
        <translation>Pages of a paper</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>适合窗口</source>
        <translation>Fit</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>向左转</source>
        <translation>Turn left</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>向右转</source>
        <translation>Turn right</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>上移</source>
        <translation>Move up</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>下移</source>
        <translation>Move down</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>删除此页</source>
        <translation>Delete page</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>重新扫描此页</source>
        <translation>Scan this page again</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>第 %1 页</source>
        <translation>Page %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>这份材料已经没有页面了。</source>
        <translation>This paper has no pages left.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>正在打开…</source>
        <translation>Opening…</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>删除页面</source>
        <translation>Delete page</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>确定删除第 %1 页吗？删除后需要重新扫描才能找回。</source>
        <translation>Delete page %1? To get it back it must be scanned again.</translation>
    </message>
</context>
<context>
    <name>PendingPages</name>
    <message>
        <location filename="../../ui/page_strip.py" line="-125"/>
        <source>第 %1 页</source>
        <translation>Page %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>可能是空白页</source>
        <translation>Blank page?</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <location filename="../../ui/printing.py" line="+96"/>
        <source>打印预览：%1</source>
        <translation>Print preview: %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>保存为 PDF 文件</source>
        <translation>Save as a PDF file</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
</context>
<context>
    <name>ScanDialog</name>
    <message>
        <location filename="../../ui/page_strip.py" line="-54"/>
        <source>选择要导入的文件</source>
        <translation>Choose the files to import</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>图片或 PDF 文件 (*.jpg *.jpeg *.png *.tif *.tiff *.pdf);;所有文件 (*)</source>
        <translation>Images or PDF (*.jpg *.jpeg *.png *.tif *.tiff *.pdf);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../ui/scan_dialog.py" line="+151"/>
        <source>扫描或导入材料</source>
        <translation>Scan or import papers</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>重新扫描页面</source>
        <translation>Scan a page again</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>重新查找</source>
        <translation>Look again</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>扫描一页（平板）</source>
        <translation>Scan one page (flatbed)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>送纸器连续扫描</source>
        <translation>Scan from the feeder</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>停止扫描</source>
        <translation>Stop</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>导入文件…</source>
        <translation>Import files…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>向左转</source>
        <translation>Turn left</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>向右转</source>
        <translation>Turn right</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>删除所选页</source>
        <translation>Delete selected</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>删除空白页</source>
        <translation>Delete blank pages</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>扫描仪：</source>
        <translation>Scanner:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>进纸方式：</source>
        <translation>Feeder:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>保存为材料：</source>
        <translation>Save as:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>扫描好的页面先显示在下面，可以拖动调整顺序、旋转或删除，确认后点“保存到办件”。也可以把图片或 PDF 文件直接拖到这个窗口里。</source>
        <translation>Scanned pages appear below: drag to reorder, turn or delete them, then click &quot;Save to case&quot;. You can also drop image or PDF files on this window.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>送纸器（单面）</source>
        <translation>Feeder (one side)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>送纸器（双面）</source>
        <translation>Feeder (both sides)</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>本机没有安装扫描功能，可以导入文件。</source>
        <translation>Scanning is not installed on this computer; you can import files.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>正在查找扫描仪…</source>
        <translation>Looking for scanners…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>扫描仪已就绪。</source>
        <translation>Scanner ready.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>没有找到扫描仪。请检查扫描仪电源和数据线后点“重新查找”，或者先导入文件。</source>
        <translation>No scanner found. Check its power and cable, then click &quot;Look again&quot;, or import files instead.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>正在扫描…</source>
        <translation>Scanning…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>正在停止…</source>
        <translation>Stopping…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 没有导入：%2 %3</source>
        <translation>%1 was not imported: %2 %3</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>完成，共 %n 页。</source>
        <translation>
            <numerusform>Done: %n page.</numerusform>
            <numerusform>Done: %n pages.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>没有得到页面。</source>
        <translation>No pages came.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>正在导入文件…</source>
        <translation>Importing files…</translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>已导入 %n 页。</source>
        <translation>
            <numerusform>Imported %n page.</numerusform>
            <numerusform>Imported %n pages.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+26"/>
        <source>有 %n 页可能是空白页。保存前删除这些空白页吗？</source>
        <translation>
            <numerusform>%n page may be blank. Delete it before saving?</numerusform>
            <numerusform>%n pages may be blank. Delete them before saving?</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>已保存 %n 页。</source>
        <translation>
            <numerusform>Saved %n page.</numerusform>
            <numerusform>Saved %n pages.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>没有保存：%1。%2</source>
        <translation>Not saved: %1. %2</translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>还有 %n 页没有保存到办件。确定放弃这些页面吗？</source>
        <translation>
            <numerusform>%n page is not saved to the case. Throw it away?</numerusform>
            <numerusform>%n pages are not saved to the case. Throw them away?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+29"/>
        <source>保存到办件（%n 页）</source>
        <translation>
            <numerusform>Save to case (%n page)</numerusform>
            <numerusform>Save to case (%n pages)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>用这一页替换</source>
        <translation>Replace with this page</translation>
    </message>
</context>
<context>
    <name>ServicePickerDialog</name>
    <message>
        <location filename="../../ui/service_picker.py" line="+64"/>
        <source>新建申请：选择办理事项</source>
        <translation>New application: choose the service</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>输入事项名称或拼音首字母，如“低保”或“dbsq”</source>
        <translation>Type a service name or its pinyin initials, e.g. 低保 or dbsq</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>↑↓ 选择，回车确定，Esc 取消</source>
        <translation>↑↓ to choose, Enter to start, Esc to cancel</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>没有找到这个事项。请换个说法，或输入拼音首字母。</source>
        <translation>No such service. Try other words or the pinyin initials.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>开始填写</source>
        <translation>Start</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="+48"/>
        <source>平板</source>
        <translation>Flatbed</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>进纸器（单面）</source>
        <translation>Feeder (one side)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>进纸器（双面）</source>
        <translation>Feeder (both sides)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>灰度</source>
        <translation>Gray</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>彩色</source>
        <translation>Color</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>黑白</source>
        <translation>Black and white</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>办公点</source>
        <translation>Office</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县级平台</source>
        <translation>County platform</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+70"/>
        <source>扫描仪</source>
        <translation>Scanner</translation>
    </message>
    <message>
        <location line="-69"/>
        <source>备份</source>
        <translation>Backup</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>界面与安全</source>
        <translation>Display and security</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>只有管理员可以修改办公点、县级平台、扫描仪、备份和锁定时间；语言可以自己选。</source>
        <translation>Only an administrator may change the office, county platform, scanner, backup and lock settings; anyone may choose the language.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>办公点代码</source>
        <translation>Office code</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>办公点名称</source>
        <translation>Office name</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>登记这台电脑</source>
        <translation>Enroll this computer</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>平台地址</source>
        <translation>Platform address</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>登记码</source>
        <translation>Enrollment code</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>本版本还没有同步功能，暂时不能登记。</source>
        <translation>This version cannot sync yet, so it cannot enroll.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>查找扫描仪</source>
        <translation>Find scanners</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>默认纸张来源</source>
        <translation>Default paper source</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>默认颜色</source>
        <translation>Default color</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>默认分辨率</source>
        <translation>Default resolution</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>例如U盘：E:\备份 或 /media/u盘/备份</source>
        <translation>e.g. a USB drive: E:\Backup or /media/usb/backup</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>每天自动备份，时间</source>
        <translation>Back up every day at</translation>
    </message>
    <message>
        <location line="+10"/>
        <source> 份</source>
        <translation> copies</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>立即备份</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>备份位置</source>
        <translation>Backup location</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>定时</source>
        <translation>Schedule</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>保留最近</source>
        <translation>Keep the latest</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>上次备份</source>
        <translation>Last backup</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>还没有备份过</source>
        <translation>No backup yet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>最近一次失败：</source>
        <translation>Last failure: </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>选择备份位置</source>
        <translation>Choose the backup location</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>请先选择备份位置（例如U盘）。</source>
        <translation>Choose a backup location first (e.g. a USB drive).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>正在备份…</source>
        <translation>Backing up…</translation>
    </message>
    <message>
        <location line="+28"/>
        <source> 分钟</source>
        <translation> minutes</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>语言 / Language</source>
        <translation>Language / 语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>无操作自动锁定</source>
        <translation>Lock when idle for</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>请填写平台地址和登记码。</source>
        <translation>Enter the platform address and the enrollment code.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>正在登记…</source>
        <translation>Enrolling…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>登记成功。这台电脑可以和县级平台同步了。</source>
        <translation>Enrolled. This computer can now sync with the county platform.</translation>
    </message>
</context>
<context>
    <name>ShortfallDialog</name>
    <message>
        <location filename="../../ui/case_view.py" line="+89"/>
        <source>容缺受理</source>
        <translation>Accepted with shortfall</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>例如：申请人已签署补交承诺书</source>
        <translation>e.g. the applicant signed a written promise</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>申请人承诺补交的材料：</source>
        <translation>Papers the applicant promises to bring:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>补交期限：</source>
        <translation>Due by:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>备注：</source>
        <translation>Note:</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../../ui/status_bar.py" line="+109"/>
        <source>备份失败</source>
        <translation>Backup failed</translation>
    </message>
</context>
<context>
    <name>SyncAdvice</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="+36"/>
        <source>打开办件，按问题说明改正后，重新标记为“待上报”。</source>
        <translation>Open the case, correct what the problem names, and mark it ready again.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>县里已不再受理这个事项的这一版表单：请先同步，再用新版表单重新填写。</source>
        <translation>The county no longer accepts this version of the form: sync, then fill in the new form.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>县里已有更新的版本：请打开办件核对，必要时电话联系县级窗口。</source>
        <translation>The county has a newer version: open the case to check it, and call the county desk if needed.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>附件会自动重新上传，一般无需处理；一直出现时请重新扫描材料。</source>
        <translation>Attachments are uploaded again automatically; if this keeps appearing, scan the documents again.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>县里的记录和本地不一致：请电话联系县级窗口核对。</source>
        <translation>The county&apos;s record differs from this computer&apos;s: call the county desk to check.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>本机的材料文件损坏或不被接受：打开办件，重新扫描或导入这份材料。</source>
        <translation>A document file on this computer is damaged or refused: open the case and scan or import that document again.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>打开办件核对；无法解决时请联系县级平台。</source>
        <translation>Open the case to check it; if you cannot solve it, contact the county platform.</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message numerus="yes">
        <location filename="../../ui/status_bar.py" line="-38"/>
        <source>%n 件待上报</source>
        <translation>
            <numerusform>%n case waiting</numerusform>
            <numerusform>%n cases waiting</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n 件需处理</source>
        <translation>
            <numerusform>%n case needs attention</numerusform>
            <numerusform>%n cases need attention</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>点击查看同步详情 (F5 立即同步)</source>
        <translation>Click for sync details (F5 syncs now)</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="+99"/>
        <source>与县级平台同步</source>
        <translation>Sync with the county platform</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>立即同步 (F5)</source>
        <translation>Sync now (F5)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>待上报</source>
        <translation>Waiting to send</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>上次成功同步</source>
        <translation>Last successful sync</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>上次尝试</source>
        <translation>Last attempt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>县级平台</source>
        <translation>County platform</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>办件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>申请人</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>怎么办</source>
        <translation>What to do</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>打开办件</source>
        <translation>Open case</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>没有需要处理的办件。</source>
        <translation>No cases need attention.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>最近几次同步</source>
        <translation>Recent syncs</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>还没有</source>
        <translation>Not yet</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n 件</source>
        <translation>
            <numerusform>%n case</numerusform>
            <numerusform>%n cases</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>未设置</source>
        <translation>Not set</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>还没有同步过。</source>
        <translation>No sync yet.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>本版本还没有同步功能。办件都保存在这台电脑上，不会丢失。</source>
        <translation>This version cannot sync yet. All cases are kept safely on this computer.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>这台电脑还没有在县级平台登记。请管理员在“设置 → 县级平台”里填写地址和登记码。</source>
        <translation>This computer is not enrolled with the county platform yet. An administrator can enter the address and code in Settings → County platform.</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+3"/>
        <source>上次同步没有完成：</source>
        <translation>The last sync did not finish: </translation>
    </message>
    <message>
        <location line="-2"/>
        <source>办件都保存在本机，连上网络后会自动重试。</source>
        <translation>All cases are kept on this computer; sync retries by itself when the network is back.</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>有 %n 件办件需要处理：县级平台退回了它们，或本机材料有问题。请按下表“怎么办”一栏处理。</source>
        <translation>
            <numerusform>%n case needs attention: the county refused it, or a document on this computer has a problem. Follow &quot;What to do&quot; below.</numerusform>
            <numerusform>%n cases need attention: the county refused them, or a document on this computer has a problem. Follow &quot;What to do&quot; below.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>办件在本机保存；有网络时自动上报，也可以点“立即同步”。</source>
        <translation>Cases are kept on this computer and sent automatically when online; you can also click &quot;Sync now&quot;.</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>需要处理的办件（%n 件）</source>
        <translation>
            <numerusform>Cases that need attention (%n)</numerusform>
            <numerusform>Cases that need attention (%n)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+41"/>
        <source>正在连接县级平台…</source>
        <translation>Connecting to the county platform…</translation>
    </message>
</context>
<context>
    <name>SyncState</name>
    <message>
        <location filename="../../ui/status_bar.py" line="-33"/>
        <source>已连接县级平台</source>
        <translation>Connected to the county</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>正在同步…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>同步有问题</source>
        <translation>Sync problems</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>未登记县级平台</source>
        <translation>Not enrolled with the county</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>正在读取同步状态…</source>
        <translation>Reading sync status…</translation>
    </message>
</context>
<context>
    <name>SyncStep</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="-203"/>
        <source>正在连接县级平台…</source>
        <translation>Connecting to the county platform…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>正在更新事项目录…</source>
        <translation>Updating the service catalog…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>正在上传材料…</source>
        <translation>Uploading documents…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>正在上报办件…</source>
        <translation>Sending cases…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>正在接收县级办理结果…</source>
        <translation>Receiving the county&apos;s decisions…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>完成</source>
        <translation>Finish</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <location filename="../../ui/users_dialog.py" line="+10"/>
        <source>员工账号</source>
        <translation>Staff accounts</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>添加员工…</source>
        <translation>Add staff member…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>重置密码…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+45"/>
        <source>停用</source>
        <translation>Disable</translation>
    </message>
    <message>
        <location line="-45"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>每一次添加、停用和重置密码都记入审计日志。</source>
        <translation>Every addition, disabling and password reset is recorded in the audit log.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>正常</source>
        <translation>Active</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>已停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>启用</source>
        <translation>Enable</translation>
    </message>
</context>
<context>
    <name>_Missing</name>
    <message>
        <location filename="../../ui/main_window.py" line="-129"/>
        <source>这个功能还在开发中。</source>
        <translation>This feature is still being built.</translation>
    </message>
</context>
</TS>
