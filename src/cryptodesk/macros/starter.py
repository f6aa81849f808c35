# ruff: noqa: E501 - Chinese sentences are kept whole for translators.
"""The starter set of reply templates we ship for crypto support, in English, Simplified
and Traditional Chinese (written by the cryptodesk team). Plain data: the data migration and
``cryptodesk macros load-starter`` both read it."""

from __future__ import annotations

from typing import Any

STARTER_MACROS: list[dict[str, Any]] = [
    {
        "key": "deposit-missing-txid",
        "category": "deposits",
        "name": "Deposit not arrived: ask for the TXID",
        "set_status": "pending",
        "set_priority": "",
        "add_tags": ["deposit"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "Thank you for contacting us about your deposit. To trace it on the "
            "blockchain, please reply with:\n"
            "1. The transaction ID (TXID / transaction hash) from the sending wallet or "
            "platform\n"
            "2. The coin and the network you used (for example USDT on TRC20)\n"
            "3. The amount and the deposit address you sent to\n"
            "\n"
            "As soon as we have these details we will check the transfer and update "
            "ticket #{{ ticket.number }}.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "感谢您就充值问题联系我们。为了在区块链上追踪这笔转账，请回复以下信息：\n"
            "1. 转出钱包或平台提供的交易哈希（TXID）\n"
            "2. 所用币种及网络（例如 TRC20 网络的 USDT）\n"
            "3. 转账金额及您转入的充值地址\n"
            "\n"
            "收到这些信息后，我们会立即核查，并在工单 #{{ ticket.number }} 中向您更新进展。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "感謝您就儲值問題聯絡我們。為了在區塊鏈上追蹤這筆轉帳，請回覆以下資訊：\n"
            "1. 轉出錢包或平臺提供的交易雜湊（TXID）\n"
            "2. 所用幣種及網路（例如 TRC20 網路的 USDT）\n"
            "3. 轉帳金額及您轉入的儲值地址\n"
            "\n"
            "收到這些資訊後，我們會立即核查，並在工單 #{{ ticket.number }} 中向您更新進展。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "deposit-wrong-network",
        "category": "deposits",
        "name": "Deposit sent on the wrong network",
        "set_status": "",
        "set_priority": "high",
        "add_tags": ["deposit", "wrong-network"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "We checked your transfer: it was sent on a network that this deposit "
            "address does not support, so it could not be credited automatically.\n"
            "\n"
            "In many cases our wallet team can recover such deposits. Recovery is "
            "manual, can take up to 14 business days and may carry a fee. Please confirm "
            "that you would like us to start it, and do not send further funds on this "
            "network.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "我们核查了您的转账：该笔资金通过此充值地址不支持的网络发送，因此无法自动入账。\n"
            "\n"
            "这类充值在多数情况下可以由我们的钱包团队找回。找回需人工处理，最长约 14 "
            "个工作日，并可能收取手续费。请回复确认是否需要我们启动找回流程，在此之前请不要再通过该网络转账。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "我們核查了您的轉帳：該筆資金通過此儲值地址不支援的網路傳送，因此無法自動入帳。\n"
            "\n"
            "這類儲值在多數情況下可以由我們的錢包團隊找回。找回需人工處理，最長約 14 "
            "個工作日，並可能收取手續費。請回覆確認是否需要我們啟動找回流程，在此之前請不要再通過該網路轉帳。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "deposit-memo-missing",
        "category": "deposits",
        "name": "Deposit without memo or tag",
        "set_status": "pending",
        "set_priority": "",
        "add_tags": ["deposit", "memo-missing"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "This coin needs both an address and a memo (also called tag or note) to "
            "credit a deposit to your account. Your transfer arrived without the memo, "
            "so we need to assign it by hand.\n"
            "\n"
            "Please reply with the TXID, the amount, and a screenshot of the withdrawal "
            "record from the sending platform. We will credit the deposit once we have "
            "matched it to your account.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "该币种充值时需要同时填写地址和备注（Memo / Tag），才能入账到您的账户。您的转账未填写备注，因此需要我们人工处理。\n"
            "\n"
            "请回复交易哈希（TXID）、充值金额，以及转出平台的提现记录截图。核实后我们会将这笔充值入账到您的账户。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "該幣種儲值時需要同時填寫地址和備註（Memo / Tag），才能入帳到您的帳戶。您的轉帳未填寫備註，因此需要我們人工處理。\n"
            "\n"
            "請回覆交易雜湊（TXID）、儲值金額，以及轉出平臺的提領記錄截圖。核實後我們會將這筆儲值入帳到您的帳戶。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "deposit-confirmations",
        "category": "deposits",
        "name": "Deposit waiting for confirmations",
        "set_status": "pending",
        "set_priority": "",
        "add_tags": ["deposit"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "We can see your transaction on the blockchain. It is still collecting the "
            "network confirmations we require before crediting it. This usually takes a "
            "few minutes, longer when the network is busy.\n"
            "\n"
            "The deposit will appear in your balance automatically; there is nothing "
            "else you need to do.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "我们已在区块链上查到您的交易，目前正在等待达到入账所需的网络确认数。通常需要几分钟，网络拥堵时会更久。\n"
            "\n"
            "确认完成后，资金会自动计入您的余额，您无需进行其他操作。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "我們已在區塊鏈上查到您的交易，目前正在等待達到入帳所需的網路確認數。通常需要幾分鐘，網路擁堵時會更久。\n"
            "\n"
            "確認完成後，資金會自動計入您的餘額，您無需進行其他操作。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "deposit-credited",
        "category": "deposits",
        "name": "Deposit credited",
        "set_status": "solved",
        "set_priority": "",
        "add_tags": [],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "Good news: your deposit has been credited and is now available in your "
            "account balance.\n"
            "\n"
            "If anything still looks wrong, just reply to this message and we will look "
            "into it again.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "好消息：您的充值已入账，现在可以在账户余额中看到并使用。\n"
            "\n"
            "如仍有任何疑问，直接回复此消息，我们会继续为您核查。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "好訊息：您的儲值已入帳，現在可以在帳戶餘額中看到並使用。\n"
            "\n"
            "如仍有任何疑問，直接回覆此訊息，我們會繼續為您核查。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "withdrawal-under-review",
        "category": "withdrawals",
        "name": "Withdrawal under security review",
        "set_status": "pending",
        "set_priority": "",
        "add_tags": ["withdrawal"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "Your withdrawal is undergoing a routine security review. We do this to "
            "protect your funds, for example after a password change, a new withdrawal "
            "address or an unusual amount.\n"
            "\n"
            "You do not need to do anything now. If the review needs more information "
            "from you, we will ask on this ticket (#{{ ticket.number }}). Our next "
            "update is due by {{ sla.due }}.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "您的提现正在进行常规安全审核。为保护您的资金安全，在修改密码、使用新提现地址或金额异常等情况下，我们会进行此类审核。\n"
            "\n"
            "目前您无需任何操作。如审核需要您补充信息，我们会在本工单（#{{ ticket.number }}）中联系您。我们将于 {{ sla.due "
            "}} 前向您更新进展。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "您的提領正在進行常規安全稽核。為保護您的資金安全，在修改密碼、使用新提領地址或金額異常等情況下，我們會進行此類稽核。\n"
            "\n"
            "目前您無需任何操作。如稽核需要您補充資訊，我們會在本工單（#{{ ticket.number }}）中聯絡您。我們將於 {{ sla.due "
            "}} 前向您更新進展。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "withdrawal-broadcast",
        "category": "withdrawals",
        "name": "Withdrawal sent: check the TXID",
        "set_status": "",
        "set_priority": "",
        "add_tags": ["withdrawal"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "Your withdrawal has been sent to the blockchain. You can find its TXID in "
            "your withdrawal history and follow it on a block explorer.\n"
            "\n"
            "If the receiving platform has not credited it yet, please give them the "
            "TXID: once a transaction is confirmed on chain, crediting is up to the "
            "receiver.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "您的提现已广播到区块链。您可以在提现记录中找到交易哈希（TXID），并通过区块浏览器查询进度。\n"
            "\n"
            "如接收平台尚未入账，请将 TXID 提供给对方：交易在链上确认后，入账由接收方处理。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "您的提領已廣播到區塊鏈。您可以在提領記錄中找到交易雜湊（TXID），並通過區塊瀏覽器查詢進度。\n"
            "\n"
            "如接收平臺尚未入帳，請將 TXID 提供給對方：交易在鏈上確認後，入帳由接收方處理。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "withdrawal-wrong-address",
        "category": "withdrawals",
        "name": "Withdrawal to a wrong address",
        "set_status": "",
        "set_priority": "",
        "add_tags": ["withdrawal"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "We are sorry to hear that the funds went to an address you did not intend. "
            "Blockchain transactions cannot be reversed once confirmed, and we have no "
            "control over addresses outside our platform.\n"
            "\n"
            "If the address belongs to another exchange, please contact them with the "
            "TXID; some platforms can return funds sent by mistake. We are happy to "
            "provide a withdrawal statement to support your request.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "很遗憾得知资金被转到了错误的地址。区块链交易一经确认便无法撤回，我们也无法控制本平台以外的地址。\n"
            "\n"
            "如该地址属于其他交易所，请携带交易哈希（TXID）联系对方，部分平台可以退回误转的资金。我们可以为您出具提现证明，协助您提出申请。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "很遺憾得知資金被轉到了錯誤的地址。區塊鏈交易一經確認便無法撤回，我們也無法控制本平臺以外的地址。\n"
            "\n"
            "如該地址屬於其他交易所，請攜帶交易雜湊（TXID）聯絡對方，部分平臺可以退回誤轉的資金。我們可以為您出具提領證明，協助您提出申請。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "withdrawal-limit",
        "category": "withdrawals",
        "name": "Withdrawal limit explained",
        "set_status": "",
        "set_priority": "",
        "add_tags": [],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "Your daily withdrawal limit depends on your verification level. You can see "
            "your current limit under Account > Security, and raise it by completing the "
            "next level of identity verification.\n"
            "\n"
            "Limits reset every day at 00:00 UTC.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "您的每日提现额度取决于身份认证等级。您可以在“账户 > 安全”中查看当前额度，完成更高等级的身份认证即可提高额度。\n"
            "\n"
            "额度每天 UTC 00:00 重置。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "您的每日提領額度取決於身份認證等級。您可以在“帳戶 > 安全”中檢視當前額度，完成更高等級的身份認證即可提高額度。\n"
            "\n"
            "額度每天 UTC 00:00 重置。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "kyc-documents-needed",
        "category": "account",
        "name": "KYC: documents needed",
        "set_status": "pending",
        "set_priority": "",
        "add_tags": ["kyc"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "To complete your identity verification we need:\n"
            "1. A clear photo of a valid government ID (passport, national ID card or "
            "driving licence), all four corners visible\n"
            "2. A selfie holding the same ID\n"
            "3. Proof of address issued in the last three months (utility bill or bank "
            "statement)\n"
            "\n"
            "Please upload them in the app under Account > Verification, not by email or "
            "chat.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "为完成身份认证，我们需要以下材料：\n"
            "1. 有效政府证件（护照、身份证或驾照）的清晰照片，四角完整\n"
            "2. 手持同一证件的自拍照\n"
            "3. 近三个月内的地址证明（水电费账单或银行对账单）\n"
            "\n"
            "请在应用内“账户 > 身份认证”中上传，不要通过邮件或聊天发送。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "為完成身份認證，我們需要以下材料：\n"
            "1. 有效政府證件（護照、身份證或駕照）的清晰照片，四角完整\n"
            "2. 手持同一證件的自拍照\n"
            "3. 近三個月內的地址證明（水電費帳單或銀行對帳單）\n"
            "\n"
            "請在應用內“帳戶 > 身份認證”中上傳，不要通過郵件或聊天傳送。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "kyc-rejected-resubmit",
        "category": "account",
        "name": "KYC rejected: how to resubmit",
        "set_status": "",
        "set_priority": "",
        "add_tags": ["kyc"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "Your verification could not be approved because the documents were unclear "
            "or did not match the details on your account. Please submit again with "
            "sharp, uncropped photos taken in good light, and make sure your name and "
            "date of birth match your ID exactly.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "您的身份认证未能通过，原因是材料不清晰或与账户信息不一致。请在光线充足的环境下重新拍摄清晰、完整未裁剪的照片后再次提交，并确保姓名和出生日期与证件完全一致。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "您的身份認證未能通過，原因是材料不清晰或與帳戶資訊不一致。請在光線充足的環境下重新拍攝清晰、完整未裁剪的照片後再次提交，並確保姓名和出生日期與證件完全一致。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "kyc-under-review",
        "category": "account",
        "name": "KYC under review",
        "set_status": "pending",
        "set_priority": "",
        "add_tags": ["kyc"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "We have received your documents and the verification team is reviewing "
            "them. Most reviews finish within 24 hours; we will notify you as soon as "
            "there is a result.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "我们已收到您的认证材料，审核团队正在处理。大多数审核会在 24 小时内完成，结果出来后我们会第一时间通知您。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "我們已收到您的認證材料，稽核團隊正在處理。大多數稽核會在 24 小時內完成，結果出來後我們會第一時間通知您。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "2fa-reset-steps",
        "category": "security",
        "name": "2FA reset: steps",
        "set_status": "pending",
        "set_priority": "",
        "add_tags": ["2fa"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "To reset two-factor authentication:\n"
            '1. On the login page choose "Lost access to your authenticator?"\n'
            "2. Complete the identity check (ID photo and a live selfie)\n"
            "3. After approval, bind a new authenticator app\n"
            "\n"
            "For your safety, withdrawals are paused for 24 hours after a 2FA reset. Our "
            "staff will never ask for your password or 2FA codes.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "重置双重验证（2FA）的步骤：\n"
            "1. 在登录页选择“无法使用验证器？”\n"
            "2. 完成身份核验（证件照片及实时自拍）\n"
            "3. 审核通过后，绑定新的验证器应用\n"
            "\n"
            "为保障您的安全，重置 2FA 后 24 小时内将暂停提现。我们的工作人员绝不会索要您的密码或验证码。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "重置雙重驗證（2FA）的步驟：\n"
            "1. 在登入頁選擇“無法使用驗證器？”\n"
            "2. 完成身份核驗（證件照片及即時自拍）\n"
            "3. 稽核通過後，繫結新的驗證器應用\n"
            "\n"
            "為保障您的安全，重置 2FA 後 24 小時內將暫停提領。我們的工作人員絕不會索要您的密碼或驗證碼。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "password-reset",
        "category": "security",
        "name": "Password reset",
        "set_status": "",
        "set_priority": "",
        "add_tags": [],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            'You can reset your password from the login page with "Forgot password". We '
            "will send a code to your registered email. For your safety, withdrawals are "
            "paused for 24 hours after a password change.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "您可以在登录页点击“忘记密码”重置密码，我们会向您的注册邮箱发送验证码。为保障安全，修改密码后 24 小时内将暂停提现。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "您可以在登入頁點選“忘記密碼”重置密碼，我們會向您的註冊郵箱傳送驗證碼。為保障安全，修改密碼後 24 小時內將暫停提領。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "phishing-warning",
        "category": "security",
        "name": "Phishing warning",
        "set_status": "",
        "set_priority": "high",
        "add_tags": ["scam"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "The message you received did not come from us. We never contact you first "
            "on Telegram, WhatsApp or social media, never ask for your password, 2FA "
            'codes or recovery phrase, and never ask you to send funds to "verify" your '
            "account.\n"
            "\n"
            "Please do not click its links. If you entered your password on another "
            "site, change it now and reply here so we can review your account.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "您收到的消息并非我们发送。我们绝不会在 Telegram、WhatsApp "
            "或社交媒体上主动联系您，绝不会索要您的密码、验证码或助记词，也绝不会要求您转账“验证”账户。\n"
            "\n"
            "请不要点击其中的链接。如果您曾在其他网站输入过密码，请立即修改，并回复此消息，我们会为您检查账户。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "您收到的訊息並非我們傳送。我們絕不會在 Telegram、WhatsApp "
            "或社交媒體上主動聯絡您，絕不會索要您的密碼、驗證碼或助記詞，也絕不會要求您轉帳“驗證”帳戶。\n"
            "\n"
            "請不要點選其中的連結。如果您曾在其他網站輸入過密碼，請立即修改，並回覆此訊息，我們會為您檢查帳戶。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "never-share-recovery-phrase",
        "category": "security",
        "name": "Never share your recovery phrase",
        "set_status": "",
        "set_priority": "urgent",
        "add_tags": ["security"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "Your recovery phrase (seed words) and private keys give full control of "
            "your wallet. Nobody from our team will ever ask for them. Anyone who asks "
            "is a scammer.\n"
            "\n"
            "If you have shared them with anyone, treat the wallet as compromised: "
            "create a new wallet on a trusted device and move your funds there at once.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "助记词和私钥可以完全控制您的钱包，我们的团队绝不会向您索要。任何索要的人都是骗子。\n"
            "\n"
            "如果您已将其告诉他人，请视该钱包为已泄露：立即在可信设备上创建新钱包，并把资金转入新钱包。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "助記詞和私鑰可以完全控制您的錢包，我們的團隊絕不會向您索要。任何索要的人都是騙子。\n"
            "\n"
            "如果您已將其告訴他人，請視該錢包為已洩露：立即在可信裝置上建立新錢包，並把資金轉入新錢包。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "account-frozen-security",
        "category": "security",
        "name": "Account frozen for security",
        "set_status": "",
        "set_priority": "urgent",
        "add_tags": ["security", "account-frozen"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "We have temporarily frozen your account because we detected activity that "
            "may not be yours. Your funds remain in your account; trading and "
            "withdrawals are paused while we investigate.\n"
            "\n"
            "To unfreeze it we will verify your identity on this ticket. Please do not "
            "share your password or 2FA codes with anyone, including us.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "我们检测到可能并非您本人的操作，已暂时冻结您的账户。您的资金仍在账户中，调查期间交易和提现将暂停。\n"
            "\n"
            "解冻前我们会在本工单中核验您的身份。请不要向任何人（包括我们）透露密码或验证码。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "我們檢測到可能並非您本人的操作，已暫時凍結您的帳戶。您的資金仍在帳戶中，調查期間交易和提領將暫停。\n"
            "\n"
            "解凍前我們會在本工單中核驗您的身份。請不要向任何人（包括我們）透露密碼或驗證碼。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "suspicious-login",
        "category": "security",
        "name": "Suspicious login detected",
        "set_status": "",
        "set_priority": "high",
        "add_tags": ["security"],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "We noticed a login to your account from a new device or location. If it was "
            "you, no action is needed. If it was not, change your password and reset 2FA "
            "right away, then reply here and we will secure your account.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "我们发现有新设备或新地点登录了您的账户。如果是您本人操作，无需处理。如果不是，请立即修改密码并重置 "
            "2FA，然后回复此消息，我们会协助保护您的账户。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "我們發現有新裝置或新地點登入了您的帳戶。如果是您本人操作，無需處理。如果不是，請立即修改密碼並重置 "
            "2FA，然後回覆此訊息，我們會協助保護您的帳戶。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "complaint-acknowledgement",
        "category": "complaints",
        "name": "Complaint received",
        "set_status": "",
        "set_priority": "",
        "add_tags": ["complaint"],
        "bodies": {
            "en": "Hello {{ customer.name }},\n"
            "\n"
            "Thank you for telling us about this, and we are sorry for the trouble it "
            "caused. We have recorded your complaint under ticket #{{ ticket.number }} "
            "and a senior member of the team is reviewing it.\n"
            "\n"
            "We will give you an update by {{ sla.due }}. You can reply to this message "
            "at any time to add details.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "尊敬的{{ customer.name }}：\n"
            "\n"
            "感谢您告知此事，给您带来不便，我们深表歉意。我们已在工单 #{{ ticket.number }} "
            "中登记您的投诉，并由资深团队成员进行处理。\n"
            "\n"
            "我们将于 {{ sla.due }} 前向您更新进展。如需补充信息，您可以随时回复此消息。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "尊敬的{{ customer.name }}：\n"
            "\n"
            "感謝您告知此事，給您帶來不便，我們深表歉意。我們已在工單 #{{ ticket.number }} "
            "中登記您的投訴，並由資深團隊成員進行處理。\n"
            "\n"
            "我們將於 {{ sla.due }} 前向您更新進展。如需補充資訊，您可以隨時回覆此訊息。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "complaint-investigating",
        "category": "complaints",
        "name": "Complaint: investigation update",
        "set_status": "",
        "set_priority": "",
        "add_tags": ["complaint"],
        "bodies": {
            "en": "Hello {{ customer.name }},\n"
            "\n"
            "We are still investigating your complaint (#{{ ticket.number }}). We have "
            "checked your account records and are waiting for the results of an internal "
            "review. We will write again by {{ sla.due }} at the latest.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "尊敬的{{ customer.name }}：\n"
            "\n"
            "我们仍在调查您的投诉（#{{ ticket.number }}）。我们已核查您的账户记录，正在等待内部复核结果，最迟将于 {{ "
            "sla.due }} 前再次联系您。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "尊敬的{{ customer.name }}：\n"
            "\n"
            "我們仍在調查您的投訴（#{{ ticket.number }}）。我們已核查您的帳戶記錄，正在等待內部複核結果，最遲將於 {{ "
            "sla.due }} 前再次聯絡您。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "remedy-offered",
        "category": "complaints",
        "name": "Complaint: remedy offered",
        "set_status": "",
        "set_priority": "",
        "add_tags": ["complaint"],
        "bodies": {
            "en": "Hello {{ customer.name }},\n"
            "\n"
            "We have completed our review of your complaint. We are sorry that our "
            "service fell short, and as a remedy we are offering the refund or "
            "compensation described below, which has been approved by a supervisor.\n"
            "\n"
            "Once it is credited you will see it in your account history. If anything is "
            "unclear, reply to this message.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "尊敬的{{ customer.name }}：\n"
            "\n"
            "我们已完成对您投诉的审核。对于我们服务的不足，我们深表歉意，并将向您提供以下经主管批准的退款或补偿。\n"
            "\n"
            "到账后您可以在账户记录中查看。如有任何疑问，请回复此消息。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "尊敬的{{ customer.name }}：\n"
            "\n"
            "我們已完成對您投訴的稽核。對於我們服務的不足，我們深表歉意，並將向您提供以下經主管批准的退款或補償。\n"
            "\n"
            "到帳後您可以在帳戶記錄中檢視。如有任何疑問，請回覆此訊息。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "complaint-escalated",
        "category": "complaints",
        "name": "Complaint escalated to a supervisor",
        "set_status": "",
        "set_priority": "high",
        "add_tags": ["complaint", "escalated"],
        "bodies": {
            "en": "Hello {{ customer.name }},\n"
            "\n"
            "We have passed your complaint to a supervisor, who will take personal "
            "responsibility for it. You will hear from them by {{ sla.due }}.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "尊敬的{{ customer.name }}：\n"
            "\n"
            "我们已将您的投诉转交给主管，由其亲自负责跟进。主管将于 {{ sla.due }} 前与您联系。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "尊敬的{{ customer.name }}：\n"
            "\n"
            "我們已將您的投訴轉交給主管，由其親自負責跟進。主管將於 {{ sla.due }} 前與您聯絡。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "need-more-information",
        "category": "general",
        "name": "Ask for details and a screenshot",
        "set_status": "pending",
        "set_priority": "",
        "add_tags": [],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "To help you faster, please reply with a short description of what you "
            "tried, the time it happened, and a screenshot of any error message. Please "
            "hide any passwords, codes or recovery phrases before sending.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "为了更快为您解决问题，请回复您的操作步骤、发生时间，以及错误提示的截图。发送前请遮挡任何密码、验证码或助记词。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "為了更快為您解決問題，請回覆您的操作步驟、發生時間，以及錯誤提示的截圖。傳送前請遮擋任何密碼、驗證碼或助記詞。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "waiting-reminder",
        "category": "general",
        "name": "Reminder: waiting for your reply",
        "set_status": "pending",
        "set_priority": "",
        "add_tags": [],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "We are still waiting for the information we asked for on ticket #{{ "
            "ticket.number }}. Once you reply we will continue right away. If we do not "
            "hear from you, the ticket will be closed in a few days; you can always "
            "reopen it by replying.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "我们仍在等待您提供工单 #{{ ticket.number }} "
            "所需的信息。收到回复后我们会立即继续处理。如果几天内没有收到您的回复，工单将被关闭，您随时可以回复以重新打开。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "我們仍在等待您提供工單 #{{ ticket.number }} "
            "所需的資訊。收到回覆後我們會立即繼續處理。如果幾天內沒有收到您的回覆，工單將被關閉，您隨時可以回覆以重新開啟。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "transfer-specialist",
        "category": "general",
        "name": "Passed to a specialist team",
        "set_status": "",
        "set_priority": "",
        "add_tags": [],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "Your request needs a specialist team, so we have passed it on together with "
            "everything you have told us. You do not need to repeat anything. They will "
            "reply on this ticket by {{ sla.due }}.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "您的问题需要专业团队处理，我们已将其连同您提供的全部信息一并转交，您无需重复说明。对方将于 {{ sla.due }} "
            "前在本工单中回复您。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "您的問題需要專業團隊處理，我們已將其連同您提供的全部資訊一併轉交，您無需重複說明。對方將於 {{ sla.due }} "
            "前在本工單中回覆您。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
    {
        "key": "solved-closing",
        "category": "general",
        "name": "Solved: closing the ticket",
        "set_status": "solved",
        "set_priority": "",
        "add_tags": [],
        "bodies": {
            "en": "Hi {{ customer.name }},\n"
            "\n"
            "We are glad we could help. We are marking ticket #{{ ticket.number }} as "
            "solved. If anything else comes up, simply reply to this message and it will "
            "reopen.\n"
            "\n"
            "Thank you for trading with us.\n"
            "\n"
            "{{ agent.name }}",
            "zh-hans": "{{ customer.name }}您好：\n"
            "\n"
            "很高兴能帮到您。我们将把工单 #{{ ticket.number }} 标记为已解决。如有其他问题，直接回复此消息即可重新打开。\n"
            "\n"
            "感谢您的支持。\n"
            "\n"
            "{{ agent.name }}",
            "zh-hant": "{{ customer.name }}您好：\n"
            "\n"
            "很高興能幫到您。我們將把工單 #{{ ticket.number }} 標記為已解決。如有其他問題，直接回覆此訊息即可重新開啟。\n"
            "\n"
            "感謝您的支援。\n"
            "\n"
            "{{ agent.name }}",
        },
    },
]
